package io.chatsessions.migration;

import java.util.Optional;

/** What one schema command was asked to do, as picocli parsed it ({@link SchemaCommands}). */
record CliArguments(String command, Optional<String> target, Optional<String> version, boolean dryRun) {
}
