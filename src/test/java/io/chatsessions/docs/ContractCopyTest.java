package io.chatsessions.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** docs/API.md is the repository's copy of the team's contract: below its status header it must say exactly the same. */
class ContractCopyTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final String FIRST_LINE = "# chat-sessions: the HTTP and operations contract";

    @Test
    void repositoryCopyEqualsTheTeamsContract() throws IOException {
        String copy = Files.readString(ROOT.resolve("docs/API.md"));
        assertTrue(copy.contains(FIRST_LINE), "docs/API.md must contain the contract, starting at: " + FIRST_LINE);
        Path shared = ROOT.resolveSibling("shared").resolve("API.md");
        assumeTrue(Files.isRegularFile(shared),
                "no team contract at " + shared + " (a clone without the shared folder beside it): nothing to compare");
        assertEquals(Files.readString(shared), copy.substring(copy.indexOf(FIRST_LINE)),
                "docs/API.md differs from " + shared + ": copy the contract again and keep the status header above it");
    }
}
