package io.chatsessions.session;

/** A validated create-session request. */
public record NewSession(String title, String metadataJson, boolean archived) {
}
