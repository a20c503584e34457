package io.chatsessions.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses rendered Kubernetes YAML (several documents) into fabric8's typed models, strictly: an unknown kind,
 * an unknown field anywhere (a typo such as {@code readinesProbe}, a field at the wrong level) or a value of
 * the wrong type fails.
 *
 * <p>fabric8's models keep unknown fields in an {@code additionalProperties} map (a Jackson any-setter); this
 * mapper switches every any-setter off, so Jackson's {@code FAIL_ON_UNKNOWN_PROPERTIES} applies. Each object is
 * also written back and compared with its source, so nothing was dropped or coerced on the way.
 */
final class KubernetesYaml {

    /** apiVersion/kind the chart may render, and the model each is parsed into. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("batch/v1/CronJob", CronJob.class));

    private static final ObjectMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE;
                }
            })
            .build();

    private KubernetesYaml() {
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = STRICT.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
                    continue;
                }
                objects.add(toModel(document));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not valid YAML: " + e.getMessage(), e);
        }
        return objects;
    }

    private static HasMetadata toModel(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String name = document.path("metadata").path("name").asText();
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new AssertionError("unexpected object " + apiVersion + " " + kind + " '" + name + "'; known: " + KINDS.keySet());
        }
        HasMetadata model;
        try {
            model = STRICT.treeToValue(document, type);
        } catch (IOException e) {
            throw new AssertionError(kind + " '" + name + "' does not match the Kubernetes schema: " + e.getMessage(), e);
        }
        JsonNode written = STRICT.valueToTree(model);
        String difference = difference("", document, written);
        if (difference != null) {
            throw new AssertionError(kind + " '" + name + "' changed when read into the typed model: " + difference);
        }
        return model;
    }

    /** The first place where two trees differ (numbers compared by value), or null when they are the same. */
    static String difference(String path, JsonNode source, JsonNode model) {
        if (source.isNumber() && model.isNumber()) {
            return source.decimalValue().compareTo(model.decimalValue()) == 0 ? null
                    : path + ": " + source + " became " + model;
        }
        if (source.isObject() && model.isObject()) {
            Set<String> names = new TreeSet<>();
            source.fieldNames().forEachRemaining(names::add);
            model.fieldNames().forEachRemaining(names::add);
            for (String field : names) {
                if (!source.has(field)) {
                    return path + "/" + field + ": added by the model (" + model.get(field) + ")";
                }
                if (!model.has(field)) {
                    return path + "/" + field + ": dropped by the model (" + source.get(field) + ")";
                }
                String inner = difference(path + "/" + field, source.get(field), model.get(field));
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        if (source.isArray() && model.isArray()) {
            if (source.size() != model.size()) {
                return path + ": " + source.size() + " items became " + model.size();
            }
            for (int i = 0; i < source.size(); i++) {
                String inner = difference(path + "/" + i, source.get(i), model.get(i));
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        return source.equals(model) ? null : path + ": " + source + " became " + model;
    }

    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T single(List<HasMetadata> objects, Class<T> type) {
        List<T> found = ofType(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }
}
