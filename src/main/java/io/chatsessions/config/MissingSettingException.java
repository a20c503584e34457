package io.chatsessions.config;

/** A required environment setting is absent; the message names it so an operator can fix it in one step. */
public final class MissingSettingException extends RuntimeException {
    public MissingSettingException(String message) {
        super(message);
    }
}
