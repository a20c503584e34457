package io.chatsessions.importing;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code CHAT_IMPORT_STATEMENT_TIMEOUT}: the statement_timeout of an import's one INSERT, which grows with the body
 * (up to CHAT_LIMITS_MAX_IMPORT_BODY_BYTES), so it cannot share DB_STATEMENT_TIMEOUT with the small writes; the
 * import's call deadline is one second more.
 */
@ConfigurationProperties("chat.import")
public record ImportSettings(@Bindable(defaultValue = "PT30S") Duration statementTimeout) {

    Duration deadline() {
        return statementTimeout.plusSeconds(1);
    }
}
