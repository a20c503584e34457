package io.chatsessions.reliability.support;

import io.chatsessions.config.DatabaseHost;
import io.chatsessions.config.DatabaseSettings;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's pg_auto_failover ({@code postgresql-15-auto-failover}) on loopback: a monitor and two data nodes with
 * synchronous replication, each a {@code pg_autoctl ... --run} process tree. pg_autoctl refuses root, so as root
 * every command runs as the {@code postgres} user (runuser) in a directory under /tmp that user owns.
 *
 * <p>The monitor's failure detection is tuned down from its defaults (health check every 5 s, node unhealthy after
 * 20 s, 30 s for the old primary to demote itself before the standby is promoted anyway) to 1 s / 3 s / 5 s: the
 * last one is the safety margin against two primaries and must cover the old primary's keeper noticing that it
 * lost the monitor, so a production setting keeps it well above the keeper's own timeouts.
 */
public final class AutoFailoverCluster implements AutoCloseable {

    private static final Path PG_AUTOCTL = Path.of("/usr/bin/pg_autoctl");
    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    public static final String DATABASE = "chat";

    private final Path dir;
    private final int monitorPort;
    private final int[] nodePorts;
    private final Process[] nodes = new Process[2];
    private Process monitor;

    private AutoFailoverCluster(Path dir, int monitorPort, int[] nodePorts) {
        this.dir = dir;
        this.monitorPort = monitorPort;
        this.nodePorts = nodePorts;
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(PG_AUTOCTL) && Files.isExecutable(PG_BIN.resolve("pg_ctl")),
                "pg_auto_failover is not installed: apt-get install postgresql-15-auto-failover (.ci/run does)");
    }

    public static AutoFailoverCluster start() {
        assumeInstalled();
        Path dir = Path.of("/tmp", "chat-sessions-autofailover-" + ProcessHandle.current().pid());
        ControllablePostgres.deleteRecursively(dir);
        AutoFailoverCluster cluster = new AutoFailoverCluster(dir, ControllablePostgres.freePort(),
                new int[] {ControllablePostgres.freePort(), ControllablePostgres.freePort()});
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        try {
            Files.createDirectories(dir);
            if (asRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            cluster.startMonitor();
            cluster.startNode(0);
            cluster.awaitRoles(Duration.ofSeconds(120), "single");
            cluster.startNode(1);
            cluster.awaitRoles(Duration.ofSeconds(180), "primary", "secondary");
            try (Connection c = cluster.connect(cluster.primaryPort(), "postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Both data nodes, for the service and migrate: {@code POSTGRES_HOST=127.0.0.1:p1,127.0.0.1:p2}. */
    public DatabaseSettings settings() {
        List<DatabaseHost> hosts = List.of(new DatabaseHost("127.0.0.1", nodePorts[0]), new DatabaseHost("127.0.0.1", nodePorts[1]));
        return DatabaseSettings.fromEnvironment(Map.of("POSTGRES_HOST", DatabaseHost.render(hosts), "POSTGRES_DB", DATABASE,
                "POSTGRES_USER", "postgres", "POSTGRES_PASSWORD", "unused-trust-auth"));
    }

    /** The data node that is writable now, or -1. */
    public int primaryPort() {
        for (int port : nodePorts) {
            if (writable(port)) {
                return port;
            }
        }
        return -1;
    }

    public boolean writable(int port) {
        try (Connection c = connect(port, "postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'")) {
            return r.next() && r.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The application database on one node (for checking what was written). */
    public DatabaseSettings node(int port) {
        return new DatabaseSettings("127.0.0.1", port, DATABASE, "postgres", "unused-trust-auth", DatabaseSettings.DEFAULT_SCHEMA);
    }

    /** kill -9 the primary's pg_autoctl keeper and its PostgreSQL, the whole process tree at once (a lost node). */
    public int killPrimary() {
        int port = primaryPort();
        int index = port == nodePorts[0] ? 0 : 1;
        List<String> command = new ArrayList<>(List.of("kill", "-9"));
        ProcessHandle.of(nodes[index].pid()).ifPresent(p -> {
            command.add(Long.toString(p.pid()));
            p.descendants().forEach(d -> command.add(Long.toString(d.pid())));
        });
        output(command); // a backend may exit on its own before the signal: kill then reports it and kills the rest
        return port;
    }

    /** Starts the killed node's keeper again ({@code pg_autoctl run}); it rejoins as the secondary. */
    public void restartNode(int port) {
        int index = port == nodePorts[0] ? 0 : 1;
        nodes[index] = spawn("node" + (index + 1) + "-rejoin", List.of("run", "--pgdata", dir.resolve("node" + (index + 1)).toString()));
    }

    public void awaitRoles(Duration timeout, String... roles) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = state();
            boolean all = true;
            for (String role : roles) {
                all &= state.matches("(?s).*\\|\\s*" + role + "\\s*\\|\\s*" + role + "\\s*(\\n.*|$)");
            }
            if (all) {
                return;
            }
            Threads.sleep(500);
        }
        throw new AssertionError("pg_auto_failover did not reach " + String.join(" + ", roles) + " within " + timeout + ":\n" + state);
    }

    /** {@code pg_autoctl show state}. */
    public String state() {
        return output(command(List.of("show", "state", "--pgdata", dir.resolve("monitor").toString())));
    }

    /** {@code pg_autoctl perform switchover}: returns its exit status and output. */
    public String switchover() {
        return output(command(List.of("perform", "switchover", "--pgdata", dir.resolve("monitor").toString())));
    }

    private void startMonitor() throws SQLException {
        monitor = spawn("monitor", List.of("create", "monitor", "--pgdata", dir.resolve("monitor").toString(),
                "--pgport", Integer.toString(monitorPort), "--hostname", "127.0.0.1", "--listen", "127.0.0.1",
                "--auth", "trust", "--no-ssl", "--run"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try (Connection c = connect(monitorPort, "pg_auto_failover"); Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET pgautofailover.health_check_period = 1000");
                s.execute("ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000");
                s.execute("ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1");
                s.execute("ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500");
                s.execute("ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 3000");
                s.execute("ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 5000");
                s.execute("SELECT pg_reload_conf()");
                return;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline || !monitor.isAlive()) {
                    throw new AssertionError("pg_auto_failover monitor did not come up: " + notYet.getMessage() + "\n" + log("monitor"));
                }
                Threads.sleep(500);
            }
        }
    }

    private void startNode(int index) {
        String name = "node" + (index + 1);
        nodes[index] = spawn(name, List.of("create", "postgres", "--pgdata", dir.resolve(name).toString(),
                "--pgport", Integer.toString(nodePorts[index]), "--hostname", "127.0.0.1", "--listen", "127.0.0.1",
                "--name", name, "--auth", "trust", "--no-ssl",
                "--monitor", "postgres://autoctl_node@127.0.0.1:" + monitorPort + "/pg_auto_failover?sslmode=disable", "--run"));
    }

    private Connection connect(int port, String database) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    private List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        if (asRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of("env", "PATH=" + PG_BIN + ":/usr/sbin:/usr/bin:/sbin:/bin",
                "XDG_CONFIG_HOME=" + dir.resolve("config"), "XDG_DATA_HOME=" + dir.resolve("data"), PG_AUTOCTL.toString()));
        command.addAll(args);
        return command;
    }

    private Process spawn(String name, List<String> args) {
        try {
            return new ProcessBuilder(command(args)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return "exit " + process.exitValue() + "\n" + out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command) {
        String out = output(command);
        if (!out.startsWith("exit 0")) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }

    @Override
    public synchronized void close() {
        List<String> command = new ArrayList<>(List.of("kill", "-9"));
        for (Process p : new Process[] {nodes[0], nodes[1], monitor}) {
            if (p != null) {
                p.toHandle().descendants().forEach(d -> command.add(Long.toString(d.pid())));
                command.add(Long.toString(p.pid()));
            }
        }
        if (command.size() > 2) {
            try {
                new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // best effort at exit
            }
        }
        nodes[0] = null;
        nodes[1] = null;
        monitor = null;
        try {
            ControllablePostgres.deleteRecursively(dir);
        } catch (RuntimeException stillExiting) {
            // a killed process removed a file while the tree was walked; what is left stays under /tmp
        }
    }
}
