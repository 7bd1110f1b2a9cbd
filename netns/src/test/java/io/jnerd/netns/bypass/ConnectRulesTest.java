package io.jnerd.netns.bypass;

import static io.jnerd.nativebindings.SockAddr.AF_INET6;
import static io.jnerd.nativebindings.SockAddr.AF_INET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.netns.Cidr;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.SwitchScope;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectRulesTest {

    private static final SocketKind TCP4 = new SocketKind(AF_INET, Sockets.SOCK_STREAM, 0);
    private static final SocketKind TCP6 = new SocketKind(AF_INET6, Sockets.SOCK_STREAM, Sockets.IPPROTO_TCP);
    private static final SocketKind UDP4 = new SocketKind(AF_INET, Sockets.SOCK_DGRAM, 0);
    private static final SocketKind UDP6 = new SocketKind(AF_INET6, Sockets.SOCK_DGRAM, Sockets.IPPROTO_UDP);

    private static final List<Cidr> OWN = List.of(Cidr.parse("10.0.2.0/24"), Cidr.parse("fd00:abcd::/64"));
    private final ConnectRules rules = new ConnectRules(
            SwitchScope.of(IgnoreRules.parse(List.of("192.168.77.0/24", "2001:db8:77::/48")), OWN), OWN);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.200.0.2, SWITCH",
        "93.184.216.34, SWITCH",
        "127.0.0.1, LOOPBACK",
        "127.8.9.10, LOOPBACK",
        "0.0.0.0, LOOPBACK",
        "169.254.1.1, LINK_LOCAL",
        "224.0.0.251, NOT_UNICAST",
        "255.255.255.255, NOT_UNICAST",
        "10.0.2.3, CONTAINER_SUBNET",
        "10.0.3.3, SWITCH",
        "192.168.77.9, IGNORED_CIDR",
        "192.168.78.9, SWITCH",
    })
    void ipv4Destinations(String ip, Verdict expected) {
        assertEquals(expected, rules.decide(TCP4, dest(AF_INET, ip, 80), unbound(AF_INET)));
        assertEquals(expected, rules.decide(UDP4, dest(AF_INET, ip, 53), unbound(AF_INET)), "connected UDP alike");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "fd00:200::2, SWITCH",
        "2001:db8:1::1, SWITCH",
        "::1, LOOPBACK",
        "::, LOOPBACK",
        "fe80::1, LINK_LOCAL",
        "ff02::1, NOT_UNICAST",
        "fd00:abcd::5, CONTAINER_SUBNET",
        "2001:db8:77:1::1, IGNORED_CIDR",
        // IPv4-mapped: judged as the IPv4 address the kernel sends to.
        "::ffff:10.200.0.2, SWITCH",
        "::ffff:127.0.0.1, LOOPBACK",
        "::ffff:0.0.0.0, LOOPBACK",
        "::ffff:10.0.2.3, CONTAINER_SUBNET",
        "::ffff:192.168.77.1, IGNORED_CIDR",
    })
    void ipv6Destinations(String ip, Verdict expected) {
        assertEquals(expected, rules.decide(TCP6, dest(AF_INET6, ip, 443), unbound(AF_INET6)));
        assertEquals(expected, rules.decide(UDP6, dest(AF_INET6, ip, 53), unbound(AF_INET6)));
    }

    @Test
    void v4MappedDecodesToIpv4AndKeepsItsRawBytes() {
        Destination d = dest(AF_INET6, "::ffff:127.0.0.1", 80);
        assertInstanceOf(Inet4Address.class, ConnectRules.unmapped(d.inet().getAddress()));
        assertEquals("127.0.0.1 port 80", d.toString());
        assertEquals(AF_INET6, d.sockAddr().family());
        assertEquals(28, d.sockAddr().encode().length);
        assertEquals((byte) 0xff, d.sockAddr().encode()[18]);
    }

    @Test
    void unspecifiedFamilyIsADisconnectAndUnixIsNotInet() {
        assertEquals(Verdict.DISCONNECT, rules.forDestination(Destination.decode(sockaddr(SockAddr.AF_UNSPEC, 16))));
        assertEquals(Verdict.NOT_INET, rules.forDestination(Destination.decode(sockaddr(SockAddr.AF_UNIX, 110))));
        assertEquals(Verdict.BAD_ADDRESS, rules.forDestination(Destination.decode(sockaddr(AF_INET, 8))));
        assertEquals(Verdict.BAD_ADDRESS, rules.forDestination(Destination.decode(sockaddr(AF_INET6, 24))));
        assertNull(Destination.decode(new byte[1]).inet());
        assertEquals(-1, Destination.decode(new byte[1]).family());
    }

    @Test
    void socketsThatAreNotTcpOrUdpStay() {
        Destination remote = dest(AF_INET, "10.200.0.2", 80);
        assertEquals(Verdict.NOT_TCP_OR_UDP,
                rules.decide(new SocketKind(AF_INET, Sockets.SOCK_RAW, 1), remote, unbound(AF_INET)), "raw ICMP");
        assertEquals(Verdict.NOT_TCP_OR_UDP,
                rules.decide(new SocketKind(AF_INET, Sockets.SOCK_DGRAM, 1), remote, unbound(AF_INET)), "ping socket");
        assertEquals(Verdict.NOT_TCP_OR_UDP,
                rules.decide(new SocketKind(AF_INET, Sockets.SOCK_STREAM, 132), remote, unbound(AF_INET)), "SCTP");
        assertEquals(Verdict.NOT_INET,
                rules.forSocket(new SocketKind(SockAddr.AF_UNIX, Sockets.SOCK_STREAM, 0), remote, null));
    }

    @Test
    void familyMismatchIsLeftToTheKernel() {
        assertEquals(Verdict.FAMILY_MISMATCH, rules.decide(TCP6, dest(AF_INET, "10.200.0.2", 80), unbound(AF_INET6)));
        assertEquals(Verdict.FAMILY_MISMATCH, rules.decide(TCP4, dest(AF_INET6, "fd00:200::2", 80), unbound(AF_INET)));
    }

    @Test
    void boundSocketsStay() {
        Destination remote = dest(AF_INET, "10.200.0.2", 80);
        assertEquals(Verdict.ALREADY_BOUND,
                rules.decide(TCP4, remote, new InetSocketAddress(ip("10.0.2.100"), 0)), "specific address");
        assertEquals(Verdict.ALREADY_BOUND,
                rules.decide(UDP4, remote, new InetSocketAddress(ip("0.0.0.0"), 5353)), "specific port");
        assertEquals(Verdict.SWITCH, rules.decide(TCP4, remote, null), "no local address known");
    }

    @Test
    void onlySwitchSwitches() {
        for (Verdict v : Verdict.values()) {
            assertEquals(v == Verdict.SWITCH, v.switches(), v.name());
        }
    }

    static Destination dest(int family, String ip, int port) {
        return Destination.of(family, new InetSocketAddress(ip(ip), port));
    }

    private static InetSocketAddress unbound(int family) {
        return new InetSocketAddress(ip(family == AF_INET ? "0.0.0.0" : "::"), 0);
    }

    static InetAddress ip(String literal) {
        return io.jnerd.netns.IpLiteral.parse(literal);
    }

    private static byte[] sockaddr(int family, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) family);
        return b.array();
    }
}
