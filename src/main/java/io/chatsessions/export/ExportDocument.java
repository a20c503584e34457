package io.chatsessions.export;

import io.chatsessions.message.MessageJson;
import io.chatsessions.session.SessionJson;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** Only for the OpenAPI document: what the json export writes ({@link JsonExportWriter}). */
@Serdeable
@Schema(name = "SessionExport", description = "A session and all of its messages in seq order, each as GET answers it (feedback included)")
record ExportDocument(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) SessionJson.Response session,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<MessageJson.Response> messages) {
}
