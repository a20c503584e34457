import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** CPU counters around a run: the service process, all of PostgreSQL (live backends + reaped children), the machine. */
final class CpuSnapshot {
    long serviceTicks;
    long postgresTicks;
    long total;
    long idle;
    long logOffset;
    Map<String, Long> threads = Map.of();

    static CpuSnapshot take() {
        CpuSnapshot s = new CpuSnapshot();
        ServiceProcess svc = Bench.service;
        s.serviceTicks = svc == null ? 0 : svc.cpuTicks();
        s.threads = svc == null ? Map.of() : svc.threadTicks();
        s.logOffset = svc == null ? 0 : svc.logSize();
        try {
            long pm = Bench.pg.postmasterPid();
            long sum = Procfs.procTicks(pm, true);
            for (String[] f : Procfs.childrenStats(pm)) {
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
            s.postgresTicks = sum;
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i <= 8 && i < cpu.length; i++) {
                s.total += Long.parseLong(cpu[i]);
            }
            s.idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    void into(Measure m, CpuSnapshot before) {
        ServiceProcess svc = Bench.service;
        m.serviceCpu = svc == null ? Double.NaN : (serviceTicks - before.serviceTicks) / (double) Procfs.CLK_TCK;
        m.pgCpu = (postgresTicks - before.postgresTicks) / (double) Procfs.CLK_TCK;
        long totalTicks = total - before.total;
        m.busy = totalTicks == 0 ? Double.NaN : 100.0 * (totalTicks - (idle - before.idle)) / totalTicks;
        m.busyTicks = totalTicks - (idle - before.idle);
        m.totalTicks = totalTicks;
        if (svc != null) {
            m.rssKb = svc.status("VmRSS");
            m.poolTimeouts = svc.poolTimeouts(before.logOffset);
            for (Map.Entry<String, Long> e : threads.entrySet()) {
                m.threadCpu.put(e.getKey(), (e.getValue() - before.threads.getOrDefault(e.getKey(), 0L)) / (double) Procfs.CLK_TCK);
            }
        }
    }
}
