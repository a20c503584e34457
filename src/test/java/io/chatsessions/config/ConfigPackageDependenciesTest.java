package io.chatsessions.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code config} sits below the features: it reads settings and renders Micronaut properties, and imports no other
 * package of the service (auth, for one, depends on it, so an import the other way would be a package cycle).
 */
class ConfigPackageDependenciesTest {

    private static final Path CONFIG = Path.of("src/main/java/io/chatsessions/config");
    private static final Pattern SERVICE_REFERENCE = Pattern.compile("io\\.chatsessions\\.(\\w+)\\.");

    @Test
    void configReferencesNoOtherPackageOfTheService() throws IOException {
        List<String> references;
        try (Stream<Path> files = Files.list(CONFIG)) {
            references = files.filter(f -> f.toString().endsWith(".java")).flatMap(ConfigPackageDependenciesTest::references).toList();
        }
        assertEquals(List.of(), references);
    }

    private static Stream<String> references(Path file) {
        try {
            Matcher matcher = SERVICE_REFERENCE.matcher(Files.readString(file));
            return matcher.results().map(m -> m.group(1)).filter(p -> !p.equals("config"))
                    .map(p -> file.getFileName() + " -> io.chatsessions." + p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
