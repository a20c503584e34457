import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What wrk and pgbench runs share: the CPU the generator itself spent, and a run in which nothing completed. */
final class LoadGenerator {

    /** Runs a load generator under sh so its CPU time (the shell's cutime/cstime) can be read when it exits. */
    static String runLoad(List<String> cmd, String tag, long timeoutSeconds, Measure m) throws Exception {
        Path statFile = Bench.settings.work.resolve("runs").resolve(tag + ".stat");
        Path out = Bench.settings.work.resolve("runs").resolve(tag + ".out");
        Files.createDirectories(out.getParent());
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "\"$@\"; rc=$?; cat /proc/$$/stat > '" + statFile + "'; exit $rc", "sh"));
        wrapped.addAll(Cpus.on(Bench.settings.clientCpus, cmd));
        int code = Shell.exec(wrapped, Postgres.libpqEnv(), out, timeoutSeconds);
        String text = Files.readString(out);
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            m.clientCpu = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / (double) Procfs.CLK_TCK;
        } catch (IOException e) {
            m.clientCpu = Double.NaN;
        }
        if (code != 0) {
            m.errors += 1;
            m.errorDetail = "exit " + code + ": " + Shell.tail(text, 8).replace('\n', ' ');
            Bench.step("%s failed (exit %d), output in %s:\n%s", cmd.get(0), code, out, Shell.tail(text, 15));
        }
        return text;
    }

    /**
     * Nothing completed within the run: an error in a full run; in a smoke run (1 s, a cold JIT, maybe a busy machine)
     * only a warning, since the smoke run checks that every path works, not how fast.
     */
    static void emptyRun(Measure m, String what) {
        if (Bench.settings.smoke) {
            Bench.step("warning: %s %s at %d connections: %s in %d s (smoke run: not counted as an error)", m.side, m.op, m.connections, what, Bench.settings.duration);
        } else {
            m.errors += 1;
            m.errorDetail += " " + what;
        }
    }
}
