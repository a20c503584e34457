package io.chatsessions.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One PostgreSQL server of the database setting. Several of them ({@code POSTGRES_HOST=h1,h2} or
 * {@code postgresql://u:p@h1:p1,h2:p2/db}) name a primary and its standbys: the service and the schema commands then
 * connect only to the one that accepts writes, and find the new one after a failover without a restart.
 */
public record DatabaseHost(String host, int port) {

    static final int DEFAULT_PORT = 5432;

    /** {@code h1:p1,h2:p2} (IPv6 literals in brackets), the form both drivers' multi-host URLs take. */
    public static String render(List<DatabaseHost> hosts) {
        return hosts.stream().map(DatabaseHost::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * {@code POSTGRES_HOST} and {@code POSTGRES_PORT}: hosts separated by commas, each optionally with its own
     * {@code :port}; the ports variable is either one port for every host without its own or one per host.
     */
    static List<DatabaseHost> fromVariables(String hostsValue, String portsValue) {
        List<String> hosts = split(hostsValue, "POSTGRES_HOST");
        List<String> ports = portsValue == null || portsValue.isBlank() ? List.of() : split(portsValue, "POSTGRES_PORT");
        if (ports.size() > 1 && ports.size() != hosts.size()) {
            throw new IllegalArgumentException("POSTGRES_PORT lists " + ports.size() + " ports for " + hosts.size()
                    + " hosts in POSTGRES_HOST (give one port for all, or one per host)");
        }
        List<DatabaseHost> result = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String fallback = ports.isEmpty() ? null : ports.get(ports.size() == 1 ? 0 : i);
            result.add(parse(hosts.get(i), fallback, "POSTGRES_HOST", "POSTGRES_PORT"));
        }
        return List.copyOf(result);
    }

    /** The host part of a {@code DATABASE_URL} authority: {@code h1:p1,h2,[::1]:p3}. */
    static List<DatabaseHost> fromUrlAuthority(String hostsPart) {
        List<DatabaseHost> result = new ArrayList<>();
        for (String entry : split(hostsPart, "DATABASE_URL")) {
            result.add(parse(entry, null, "DATABASE_URL", "DATABASE_URL"));
        }
        return List.copyOf(result);
    }

    private static DatabaseHost parse(String entry, String fallbackPort, String hostSetting, String portSetting) {
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(hostSetting + " has an unclosed IPv6 bracket in '" + entry + "'");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException(hostSetting + " has text after the IPv6 address in '" + entry + "'");
                }
                port = rest.substring(1);
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            host = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(hostSetting + " has an empty host in '" + entry + "'");
        }
        String setting = port != null ? hostSetting : portSetting;
        String value = port != null ? port : fallbackPort;
        return new DatabaseHost(host, value == null ? DEFAULT_PORT : port(value, setting));
    }

    private static List<String> split(String value, String setting) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException(setting + " has an empty entry in '" + value + "'");
            }
            parts.add(trimmed);
        }
        return parts;
    }

    static int port(String value, String setting) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be a port number (1-65535), got '" + value + "'");
        }
    }
}
