package io.chatsessions.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Request limits, all configurable (e.g. env {@code CHAT_LIMITS_MAX_CONTENT_BYTES}). Checked in Java before any
 * database call; the HTTP body ceiling is {@code micronaut.server.max-request-size} (env {@code MAX_REQUEST_BODY_BYTES}) for
 * every route but {@code POST /sessions:import}, whose own is {@code maxImportBodyBytes} (applied by the web layer's body limit filter).
 * A message as a whole (content, sources and metadata in bytes) is bounded by {@code maxMessageBytes}, and a page of
 * messages stops growing at {@code maxPageBytes} of response JSON (it always holds one message, and says has_more).
 */
@ConfigurationProperties("chat.limits")
public record ApiLimits(
        @Bindable(defaultValue = "262144") int maxContentBytes,
        @Bindable(defaultValue = "100") int maxSources,
        @Bindable(defaultValue = "16384") int maxMetadataBytes,
        @Bindable(defaultValue = "65536") int maxSourcesBytes,
        @Bindable(defaultValue = "327680") int maxMessageBytes,
        @Bindable(defaultValue = "8388608") long maxPageBytes,
        @Bindable(defaultValue = "32") int maxJsonDepth,
        @Bindable(defaultValue = "100") int maxBatchMessages,
        @Bindable(defaultValue = "20") int defaultSessionPage,
        @Bindable(defaultValue = "100") int maxSessionPage,
        @Bindable(defaultValue = "50") int defaultMessagePage,
        @Bindable(defaultValue = "200") int maxMessagePage,
        @Bindable(defaultValue = "10000") int maxImportMessages,
        @Bindable(defaultValue = "16777216") long maxImportBodyBytes) {
}
