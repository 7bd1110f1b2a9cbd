package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchScopeTest {

    private static final List<Cidr> OWN = List.of(Cidr.parse("10.0.2.0/24"), Cidr.parse("fd00::/64"));

    @Test
    void loopbackUnspecifiedOwnAndIgnoredStayInside() {
        SwitchScope scope = SwitchScope.of(IgnoreRules.parse(List.of("192.168.0.0/16")), OWN);
        for (String kept : List.of("127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1", "0.0.0.0", "::",
                "10.0.2.3", "fd00::3", "192.168.1.1")) {
            assertTrue(scope.keepsInContainer(IpLiteral.parse(kept)), kept);
        }
        for (String switched : List.of("10.200.0.2", "203.0.113.1", "2001:db8::1", "::ffff:10.200.0.2")) {
            assertFalse(scope.keepsInContainer(IpLiteral.parse(switched)), switched);
        }
    }

    @Test
    void autoResolvesToOwnSubnets() {
        IgnoreRules rules = IgnoreRules.parse(List.of("auto", "10.0.0.0/8"));
        assertTrue(rules.auto());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.2.0/24"), Cidr.parse("fd00::/64")),
                rules.resolve(OWN));
        assertEquals(List.of(Cidr.parse("10.0.0.0/8")), IgnoreRules.parse(List.of("10.0.0.0/8")).resolve(OWN));
        assertEquals(List.of("10.0.0.0/8", "auto"), rules.toStrings());
        assertThrows(IllegalArgumentException.class, () -> IgnoreRules.parse(List.of("automatic")));
    }

    @Test
    void procNetRouteAndIfInet6() {
        String route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "tap0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "tap0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                + "lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n";
        assertEquals(List.of(Cidr.parse("10.0.2.0/24")),
                InterfaceSubnets.parseIpv4Routes(route, ByteOrder.LITTLE_ENDIAN));
        String inet6 = "00000000000000000000000000000001 01 80 10 80       lo\n"
                + "fd000000000000001234567890abcdef 02 40 00 00     tap0\n";
        assertEquals(List.of(Cidr.parse("fd00::/64")), InterfaceSubnets.parseIpv6Addresses(inet6));
    }
}
