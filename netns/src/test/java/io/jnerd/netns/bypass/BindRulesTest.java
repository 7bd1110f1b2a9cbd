package io.jnerd.netns.bypass;

import static io.jnerd.nativebindings.SockAddr.AF_INET6;
import static io.jnerd.nativebindings.SockAddr.AF_INET;
import static io.jnerd.netns.bypass.ConnectRulesTest.dest;
import static io.jnerd.netns.bypass.ConnectRulesTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Sockets;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindRulesTest {

    private static final SocketKind TCP4 = new SocketKind(AF_INET, Sockets.SOCK_STREAM, 0);
    private static final SocketKind TCP6 = new SocketKind(AF_INET6, Sockets.SOCK_STREAM, 0);
    private static final SocketKind UDP4 = new SocketKind(AF_INET, Sockets.SOCK_DGRAM, 0);

    private final PortMapping web = new PortMapping(null, 8080, 80, Protocol.TCP);
    private final PortMapping dns = new PortMapping(ip("10.200.0.1"), 5353, 53, Protocol.UDP);
    /** Inodes of the host's live sockets, as the host's socket table would list them. */
    private final Set<Long> live = new HashSet<>(Set.of(5001L, 5002L, 5003L));
    private final BindRules rules = new BindRules(List.of(web, dns), (protocol, port) -> live, BindRules.Memory.NONE);

    @Test
    void bindToAPublishedPortOnTheWildcardOrAContainerAddressIsPublished() {
        assertEquals(Optional.of(web), rules.forBind(TCP4, dest(AF_INET, "0.0.0.0", 80)));
        assertEquals(Optional.of(web), rules.forBind(TCP4, dest(AF_INET, "10.0.2.100", 80)));
        assertEquals(Optional.of(web), rules.forBind(TCP6, dest(AF_INET6, "::", 80)));
        assertEquals(Optional.of(dns), rules.forBind(UDP4, dest(AF_INET, "0.0.0.0", 53)));
    }

    @Test
    void otherBindsStay() {
        assertEquals(Optional.empty(), rules.forBind(TCP4, dest(AF_INET, "0.0.0.0", 81)), "unpublished port");
        assertEquals(Optional.empty(), rules.forBind(UDP4, dest(AF_INET, "0.0.0.0", 80)), "other protocol");
        assertEquals(Optional.empty(), rules.forBind(TCP4, dest(AF_INET, "127.0.0.1", 80)), "loopback");
        assertEquals(Verdict.LOOPBACK_BIND, rules.whyNot(dest(AF_INET, "127.0.0.1", 80)));
        assertEquals(Verdict.LOOPBACK_BIND, rules.whyNot(dest(AF_INET6, "::ffff:127.0.0.1", 80)));
        assertEquals(Verdict.NOT_PUBLISHED, rules.whyNot(dest(AF_INET, "0.0.0.0", 81)));
        assertEquals(Optional.empty(), rules.forBind(TCP6, dest(AF_INET, "0.0.0.0", 80)), "family mismatch");
        assertEquals(Optional.empty(), rules.forBind(
                new SocketKind(AF_INET, Sockets.SOCK_RAW, 6), dest(AF_INET, "0.0.0.0", 80)), "raw");
    }

    @Test
    void hostBindAddressUsesTheMappingsHostSide() {
        assertEquals("0.0.0.0 port 8080", rules.hostBindAddress(AF_INET, web).toString());
        assertEquals("0:0:0:0:0:0:0:0 port 8080", rules.hostBindAddress(AF_INET6, web).toString());
        assertEquals("10.200.0.1 port 5353", rules.hostBindAddress(AF_INET, dns).toString());
        assertEquals(28, rules.hostBindAddress(AF_INET6, dns).sockAddr().encode().length, "IPv4 host IP as v4-mapped on AF_INET6");
    }

    @Test
    void selfConnectGoesToTheHostPortOnlyOnceBound() {
        assertEquals(Optional.empty(), rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)));
        rules.markBound(web, 1001, 5001);
        assertEquals("127.0.0.1 port 8080", rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)).get().toString());
        assertEquals("127.0.0.1 port 8080", rules.selfConnect(TCP4, dest(AF_INET, "10.0.2.100", 80)).get().toString());
        assertEquals("0:0:0:0:0:0:0:1 port 8080", rules.selfConnect(TCP6, dest(AF_INET6, "::1", 80)).get().toString());
        Destination mapped = rules.selfConnect(TCP6, dest(AF_INET6, "::ffff:127.0.0.1", 80)).get();
        assertEquals("127.0.0.1 port 8080", mapped.toString());
        assertEquals(28, mapped.sockAddr().encode().length, "stays an AF_INET6 sockaddr");
        assertEquals(Optional.empty(), rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 81)), "other port");
        rules.markBound(dns, 1002, 5002);
        assertEquals("10.200.0.1 port 5353", rules.selfConnect(UDP4, dest(AF_INET, "127.0.0.1", 53)).get().toString());
    }

    @Test
    void onlySocketsBoundForAPublishedPortMayListen() {
        assertFalse(rules.isPublishedSocket(1001));
        rules.markBound(web, 1001, 5001);
        assertTrue(rules.isPublishedSocket(1001));
        assertFalse(rules.isPublishedSocket(1002));
    }

    @Test
    void anUnresolvedHostPortIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BindRules(List.of(new PortMapping(null, 0, 80, Protocol.TCP))));
        assertTrue(e.getMessage().contains("host port 0"), e.getMessage());
    }

    @Test
    void aWildcardHostIpBindsEverywhereAndSelfConnectsToLoopback() {
        PortMapping any = new PortMapping(ip("0.0.0.0"), 9090, 90, Protocol.TCP);
        BindRules r = new BindRules(List.of(any), (protocol, port) -> live, BindRules.Memory.NONE);
        assertEquals("0.0.0.0 port 9090", r.hostBindAddress(AF_INET, any).toString());
        r.markBound(any, 1003, 5003);
        assertEquals("127.0.0.1 port 9090", r.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 90)).get().toString());
    }

    @Test
    void selfConnectOnlyWhileTheSocketTheContainerBoundStillListens() {
        rules.markBound(web, 1001, 5001);
        assertTrue(rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)).isPresent());
        // The container closed its listener; the port is free, or a host service took it.
        live.remove(5001L);
        assertEquals(Optional.empty(), rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)));
        live.add(7777L);
        assertEquals(Optional.empty(), rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)), "another socket on the port");
        rules.markBound(web, 1004, 5004);
        live.add(5004L);
        assertTrue(rules.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)).isPresent(), "bound and listening again");
    }

    @Test
    void bindingAgainAndAgainKeepsOnlyTheLatestSockets() {
        for (long i = 0; i < 1000; i++) {
            rules.markBound(web, 10_000 + i, 20_000 + i);
        }
        assertFalse(rules.isPublishedSocket(10_000));
        assertTrue(rules.isPublishedSocket(10_999));
        assertTrue(rules.isPublishedSocket(11_000 - BindRules.MAX_BOUND_PER_PORT));
        assertFalse(rules.isPublishedSocket(11_000 - BindRules.MAX_BOUND_PER_PORT - 1));
    }

    @Test
    void whatWasBoundIsKeptAndRecalledByTheNextProcessForItsOwnMappingsOnly() {
        List<List<BindRules.BoundSocket>> kept = new java.util.ArrayList<>();
        BindRules.Memory memory = new BindRules.Memory() {
            @Override
            public List<BindRules.BoundSocket> recall() {
                return kept.isEmpty() ? List.of() : kept.get(kept.size() - 1);
            }

            @Override
            public void keep(List<BindRules.BoundSocket> all) {
                kept.add(all);
            }
        };
        BindRules before = new BindRules(List.of(web, dns), (protocol, port) -> live, memory);
        before.markBound(web, 1001, 5001);
        before.markBound(dns, 1002, 5002);
        assertEquals(2, kept.get(kept.size() - 1).size(), "each bind keeps every socket: " + kept);

        // A restarted daemon: nothing bound in this process, yet the container's sockets are known.
        BindRules after = new BindRules(List.of(web, dns), (protocol, port) -> live, memory);
        assertTrue(after.isPublishedSocket(1001) && after.isPublishedSocket(1002));
        assertEquals("127.0.0.1 port 8080", after.selfConnect(TCP4, dest(AF_INET, "127.0.0.1", 80)).get().toString());

        BindRules other = new BindRules(List.of(new PortMapping(null, 8081, 80, Protocol.TCP)), (protocol, port) -> live, memory);
        assertFalse(other.isPublishedSocket(1001), "a socket bound for a mapping this bypass does not publish");
    }
}
