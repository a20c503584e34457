package io.chatsessions.reliability;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.AppendLoad;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.CoreCases;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.reliability.support.HaProxy;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, many instances: three service processes on one database behind HAProxy (round robin per request).
 * 20 concurrent appends to one session get seqs 1..20; each idempotent append is sent twice, the copy going to the
 * next instance, and the copy is the first answer replayed byte for byte with one row written (quick: 200 appends,
 * full: 1,000). Then a short append load measures CPU per request of each process, the figure the HPA follows.
 */
class ManyInstancesTest {

    @Test
    void threeInstancesBehindRoundRobinKeepOrderAndIdempotency() throws Exception {
        HaProxy.assumeInstalled();
        DatabaseSettings db = Servers.freshDatabase();
        List<ServiceProcess> services = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                services.add(ServiceProcess.start("instance-" + i, ControllablePostgres.freePort(), ServiceProcess.environment(db)));
            }
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofSeconds(120));
            }
            try (HaProxy proxy = HaProxy.roundRobin(services.stream().map(ServiceProcess::port).toList())) {
                CoreCases.crud(proxy.url());
                CoreCases.concurrentAppends(proxy.url(), 20);

                int appends = Figures.FULL ? 1000 : 200;
                Api api = Api.forUser(proxy.url(), "retry-" + UUID.randomUUID());
                String session = api.createSession("{}");
                String messages = "/api/v1/sessions/" + session + "/messages";
                List<String> violations = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger next = new AtomicInteger();
                ExecutorService drivers = Executors.newFixedThreadPool(8);
                List<Future<?>> running = new ArrayList<>();
                for (int d = 0; d < 8; d++) {
                    running.add(drivers.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < appends) {
                            Map<String, String> key = Map.of("Idempotency-Key", "many-" + i);
                            String body = Json.message("user", "retried " + i);
                            Api.Response first = api.post(messages, body, key);
                            Api.Response retry = api.post(messages, body, key);
                            if (first.status() != 201 || retry.status() != 201 || !first.body().equals(retry.body())
                                    || !"true".equals(retry.header("Idempotent-Replayed"))) {
                                violations.add("append " + i + ": " + first.status() + " " + first.body() + " then "
                                        + retry.status() + " " + retry.body());
                            }
                        }
                    }));
                }
                for (Future<?> f : running) {
                    f.get(10, TimeUnit.MINUTES);
                }
                drivers.shutdownNow();
                assertTrue(violations.isEmpty(), () -> violations.size() + " retries differ, e.g. " + violations.get(0));
                assertEquals(appends, TestSql.number(db, "SELECT count(*) FROM chat.messages WHERE session_id = ?::uuid", session),
                        "one row per idempotent append");
                assertTrue(TestSql.seqProblems(db).isEmpty(), TestSql.seqProblems(db).toString());

                long[] cpuBefore = services.stream().mapToLong(ManyInstancesTest::cpuNanos).toArray();
                AppendLoad.Result load = AppendLoad.run(List.of(proxy.url()), 12, Duration.ofSeconds(Figures.FULL ? 20 : 6));
                long cpu = 0;
                for (int i = 0; i < services.size(); i++) {
                    cpu += cpuNanos(services.get(i)) - cpuBefore[i];
                }
                double cpuMsPerRequest = cpu / 1e6 / Math.max(1, load.ok() + load.failed());
                Figures.report("many instances (3 processes behind haproxy round robin)", "%s", String.format(Locale.ROOT,
                        "20 concurrent appends seqs 1..20; %d idempotent appends each retried on the next instance: all"
                                + " replayed byte for byte, one row each; append load %.0f/s over 3 instances, %.2f ms CPU per"
                                + " request per instance => about %.0f appends/s per pod at 70%% of one CPU; answers %s",
                        appends, load.perSecond(), cpuMsPerRequest, 700 / cpuMsPerRequest, load.statuses()));
                assertTrue(load.statuses().keySet().stream().allMatch(s -> s == 201 || s == 503), load.failures().toString());
            }
        } finally {
            services.forEach(ServiceProcess::close);
        }
    }

    private static long cpuNanos(ServiceProcess service) {
        return ProcessHandle.of(service.pid()).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }
}
