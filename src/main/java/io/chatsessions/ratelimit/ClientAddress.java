package io.chatsessions.ratelimit;

import io.micronaut.http.HttpRequest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The key a client's anonymous budget is counted under: the TCP peer's address (never a forwarded header, which the
 * client writes), and for IPv6 its /64 network, since one host is usually given a whole /64.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(HttpRequest<?> request) {
        InetSocketAddress peer = request.getRemoteAddress();
        return of(peer == null ? null : peer.getAddress());
    }

    static String of(InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder network = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF))).append(':');
            }
            return network.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
