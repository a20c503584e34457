package io.chatsessions.alembic;

import java.util.Map;

/**
 * The append path's limits ({@code config/ApiLimits}) as the service reads them from its environment
 * ({@code CHAT_LIMITS_*}, same defaults), so that a row is imported only if the API would have accepted it.
 */
record ImportLimits(long maxContentBytes, int maxSources, long maxSourcesBytes, long maxMetadataBytes, long maxMessageBytes) {

    static final ImportLimits DEFAULTS = new ImportLimits(262_144, 100, 65_536, 16_384, 327_680);

    static ImportLimits fromEnvironment(Map<String, String> env) {
        return new ImportLimits(
                read(env, "CHAT_LIMITS_MAX_CONTENT_BYTES", DEFAULTS.maxContentBytes),
                (int) read(env, "CHAT_LIMITS_MAX_SOURCES", DEFAULTS.maxSources),
                read(env, "CHAT_LIMITS_MAX_SOURCES_BYTES", DEFAULTS.maxSourcesBytes),
                read(env, "CHAT_LIMITS_MAX_METADATA_BYTES", DEFAULTS.maxMetadataBytes),
                read(env, "CHAT_LIMITS_MAX_MESSAGE_BYTES", DEFAULTS.maxMessageBytes));
    }

    private static long read(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 1 || parsed > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from 1 to " + Integer.MAX_VALUE + ", got '" + value + "'");
        }
    }
}
