package io.chatsessions.openapi;

import io.chatsessions.config.ApiLimits;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the generated OpenAPI document (META-INF/swagger/*.yml, the path Swagger UI loads) with the limits this
 * instance enforces written in ({@link EnforcedLimits}), so that a client generated from it agrees with the server
 * under any CHAT_LIMITS_* settings. Takes precedence over the static /swagger/** mapping for the document itself.
 */
@Hidden
@Controller("/swagger")
@Secured(SecurityRule.IS_ANONYMOUS)
public class ServedOpenApiController {

    static final String APPLICATION_YAML = "application/yaml";
    private static final String LOCATION = "META-INF/swagger/";

    private final EnforcedLimits limits;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();

    public ServedOpenApiController(ApiLimits limits) {
        this.limits = new EnforcedLimits(limits);
    }

    @Get(value = "/{name:[A-Za-z0-9._-]+\\.yml}", produces = APPLICATION_YAML)
    public HttpResponse<byte[]> document(@PathVariable String name) {
        // only documents that exist are kept (computeIfAbsent stores no null): any other name an anonymous caller
        // asks for is a 404 that leaves nothing behind
        byte[] document = served.computeIfAbsent(name, this::render);
        return document == null ? HttpResponse.notFound() : HttpResponse.ok(document).contentType(MediaType.of(APPLICATION_YAML));
    }

    int cachedDocuments() {
        return served.size();
    }

    private byte[] render(String name) {
        try (InputStream in = ServedOpenApiController.class.getClassLoader().getResourceAsStream(LOCATION + name)) {
            if (in == null) {
                return null;
            }
            Yaml yaml = yaml();
            Map<String, Object> document = yaml.load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            RefSiblings.remove(document);
            NullableRefs.tidy(document);
            return yaml.dump(limits.apply(document)).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Yaml yaml() {
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dump.setWidth(120);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump);
    }
}
