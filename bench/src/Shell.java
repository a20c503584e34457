import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Commands, ports and directories: a tool run with its output to a file and a deadline. */
final class Shell {

    static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Runs a command with its output to a file; returns the exit code. */
    static int exec(List<String> cmd, Map<String, String> env, Path output, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Bench.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new Failure("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + " (output in " + output + ")");
        }
        return p.exitValue();
    }

    static String execOrFail(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(Bench.settings.work, "cmd", ".log");
        try {
            int code = exec(cmd, env, out, timeoutSeconds);
            String text = Files.readString(out);
            if (code != 0) {
                throw new Failure(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6))) + " ... exited " + code + ":\n" + tail(text, 40));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
