package io.chatsessions.export;

import io.chatsessions.error.ProblemException;

import java.util.Locale;

/** What {@code GET /sessions/{id}/export?format=} can write: its media type and file extension. */
public enum ExportFormat {
    JSON("application/json", "json"),
    NDJSON("application/x-ndjson", "ndjson"),
    MARKDOWN("text/markdown; charset=utf-8", "md");

    private final String mediaType;
    private final String extension;

    ExportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    /** The format named by the query parameter (absent: json), or a 400 naming {@code format}. */
    public static ExportFormat parse(String value) {
        if (value == null) {
            return JSON;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "json" -> JSON;
            case "ndjson" -> NDJSON;
            case "markdown", "md" -> MARKDOWN;
            default -> throw ProblemException.invalidField("format", "must be one of json, ndjson, markdown");
        };
    }
}
