package io.chatsessions.ratelimit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ClientAddressTest {

    @Test
    void ipv4IsTheAddressAndIpv6ItsSlash64() throws Exception {
        assertEquals("192.0.2.7", ClientAddress.of(InetAddress.getByName("192.0.2.7")));
        String one = ClientAddress.of(InetAddress.getByName("2001:db8:1:2::1"));
        assertEquals(one, ClientAddress.of(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff")), "one /64, one budget");
        assertNotEquals(one, ClientAddress.of(InetAddress.getByName("2001:db8:1:3::1")));
        assertEquals("unknown", ClientAddress.of((InetAddress) null));
    }
}
