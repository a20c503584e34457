package io.chatsessions.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README is the map and the long documents live under docs/: every document is linked from the README, every
 * relative link and anchor in them resolves, the figures documents open with a one-screen summary of the current
 * figures and the command that made them, and the benchmark rewrites the document where it now is.
 */
class DocumentationMapTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final List<String> DOCUMENTS = List.of("docs/API.md", "docs/DEPLOY.md", "docs/SCALING.md",
            "docs/BENCHMARKS.md", "docs/RELIABILITY.md");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    /** A summary longer than this no longer fits one screen. */
    private static final int SUMMARY_LINES = 40;

    @Test
    void theReadmeLinksEveryDocumentAndNoLongDocumentIsLeftAtTheRoot() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String document : DOCUMENTS) {
            assertTrue(Files.isRegularFile(ROOT.resolve(document)), document + " exists");
            assertTrue(readme.contains("](" + document + ")"), "README.md links " + document);
        }
        for (String moved : List.of("BENCHMARKS.md", "RELIABILITY.md")) {
            assertFalse(Files.exists(ROOT.resolve(moved)), moved + " lives under docs/, not beside the README");
        }
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            Matcher m = LINK.matcher(withoutCodeBlocks(Files.readString(file)));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                String where = ROOT.relativize(file) + ": (" + target + ")";
                if (!Files.exists(linked)) {
                    broken.add(where + " names a file that does not exist");
                } else if (hash >= 0 && linked.toString().endsWith(".md")
                        && !anchors(Files.readString(linked)).contains(target.substring(hash + 1))) {
                    broken.add(where + " names a heading that " + ROOT.relativize(linked) + " does not have");
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
    }

    @ParameterizedTest
    @CsvSource({"docs/BENCHMARKS.md, bench/run.sh", "docs/RELIABILITY.md, reliability/run.sh"})
    void figuresDocumentsOpenWithAOneScreenSummaryOfTheCurrentFiguresAndTheCommand(String document, String command) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(document));
        int summary = -1;
        int next = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("## ")) {
                if (summary < 0) {
                    summary = i;
                } else {
                    next = i;
                    break;
                }
            }
        }
        assertTrue(summary >= 0 && lines.get(summary).equals("## Summary: the current figures"),
                document + ": the first section is the summary, found " + (summary < 0 ? "none" : lines.get(summary)));
        assertTrue(summary <= 10, document + ": the summary starts on the first screen, found it at line " + (summary + 1));
        assertTrue(next > summary, document + ": a section follows the summary");
        assertTrue(next - summary <= SUMMARY_LINES, document + ": the summary fits one screen (" + SUMMARY_LINES + " lines), it has " + (next - summary));
        String text = String.join("\n", lines.subList(summary, next));
        assertTrue(text.contains("`" + command + "`") || text.contains("**`" + command + "`**"), document + ": the summary names the command " + command);
        assertTrue(Pattern.compile("`[0-9a-f]{7,40}`").matcher(text).find(), document + ": the summary names the commit its figures were made at");
        assertTrue(lines.indexOf("## History") > next, document + ": the history of changes is below, under '## History'");
    }

    @Test
    void theBenchmarkRewritesTheResultsSectionOfTheDocumentWhereItIs() throws IOException {
        String writer = Files.readString(ROOT.resolve("bench/src/BenchmarksMd.java"));
        String path = group(writer, "ROOT\\.resolve\\(\"([^\"]+)\"\\)");
        String begin = group(writer, "String begin = \"([^\"]+)\"");
        String end = group(writer, "String end = \"([^\"]+)\"");
        assertEquals("docs/BENCHMARKS.md", path, "the benchmark rewrites the document the README links");
        String document = Files.readString(ROOT.resolve(path));
        int i = document.indexOf(begin);
        int j = document.indexOf(end);
        assertTrue(i >= 0 && j > i && document.indexOf(begin, i + 1) < 0,
                path + " has one results section between " + begin + " and " + end + ", so a full run replaces it instead of appending one");
        assertTrue(document.indexOf("## History") > j, "the history stays below the results a run rewrites");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens (a repeated heading gets -1, -2...). */
    static List<String> anchors(String markdown) {
        List<String> anchors = new ArrayList<>();
        for (String line : withoutCodeBlocks(markdown).split("\n")) {
            Matcher h = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (h.matches()) {
                String slug = h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                String unique = slug;
                for (int n = 1; anchors.contains(unique); n++) {
                    unique = slug + "-" + n;
                }
                anchors.add(unique);
            }
        }
        return anchors;
    }

    static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?ms)^```.*?^```[^\\n]*$", "");
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "bench/src/BenchmarksMd.java has " + regex);
        return m.group(1);
    }
}
