package io.jnerd.netns.bypass;

import static io.jnerd.netns.bypass.CopiedOption.IPV6_V6ONLY;
import static io.jnerd.netns.bypass.CopiedOption.IP_TOS;
import static io.jnerd.netns.bypass.CopiedOption.SO_BROADCAST;
import static io.jnerd.netns.bypass.CopiedOption.SO_RCVBUF;
import static io.jnerd.netns.bypass.CopiedOption.SO_REUSEADDR;
import static io.jnerd.netns.bypass.CopiedOption.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopiedOptionTest {

    private static final SocketKind TCP4 = new SocketKind(SockAddr.AF_INET, Sockets.SOCK_STREAM, 0);
    private static final SocketKind TCP6 = new SocketKind(SockAddr.AF_INET6, Sockets.SOCK_STREAM, 6);
    private static final SocketKind UDP4 = new SocketKind(SockAddr.AF_INET, Sockets.SOCK_DGRAM, 0);

    @Test
    void eachKindGetsItsOwnOptions() {
        List<CopiedOption> tcp4 = CopiedOption.forKind(TCP4);
        assertTrue(tcp4.containsAll(List.of(SO_REUSEADDR, TCP_NODELAY, IP_TOS)), tcp4.toString());
        assertFalse(tcp4.contains(IPV6_V6ONLY), "no IPv6 options on AF_INET");
        assertFalse(tcp4.contains(SO_BROADCAST), "broadcast is for datagrams");

        List<CopiedOption> tcp6 = CopiedOption.forKind(TCP6);
        assertTrue(tcp6.contains(IPV6_V6ONLY) && tcp6.contains(TCP_NODELAY), tcp6.toString());
        assertFalse(tcp6.contains(IP_TOS));

        List<CopiedOption> udp4 = CopiedOption.forKind(UDP4);
        assertTrue(udp4.contains(SO_BROADCAST) && udp4.contains(SO_REUSEADDR), udp4.toString());
        assertFalse(udp4.contains(TCP_NODELAY), "no TCP options on UDP");

        assertEquals(List.of(), CopiedOption.forKind(new SocketKind(SockAddr.AF_INET, Sockets.SOCK_RAW, 1)));
    }

    @Test
    void buffersAreSetToHalfWhatTheKernelReports() {
        byte[] read = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 262144).array();
        SO_RCVBUF.makeSettable(read);
        assertEquals(131072, ByteBuffer.wrap(read).order(ByteOrder.nativeOrder()).getInt(0));
        byte[] one = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 1).array();
        TCP_NODELAY.makeSettable(one);
        assertArrayEquals(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 1).array(), one);
    }

    @Test
    void numbersMatchTheUapiHeaders() {
        assertEquals(1, SO_REUSEADDR.level());
        assertEquals(2, SO_REUSEADDR.optionName());
        assertEquals(6, TCP_NODELAY.level());
        assertEquals(1, TCP_NODELAY.optionName());
        assertEquals(41, IPV6_V6ONLY.level());
        assertEquals(26, IPV6_V6ONLY.optionName());
        assertEquals(16, CopiedOption.SO_RCVTIMEO.size());
        assertEquals(8, CopiedOption.SO_LINGER.size());
    }
}
