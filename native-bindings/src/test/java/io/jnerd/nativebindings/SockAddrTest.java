package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SockAddrTest {

    @Test
    void inet4EncodesFamilyNativePortAndAddressNetworkOrder() throws Exception {
        byte[] bytes = SockAddr.inet(InetAddress.getByName("10.200.0.2"), 8080).encode();
        assertEquals(16, bytes.length);
        assertEquals(SockAddr.AF_INET, ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getShort(0));
        assertArrayEquals(new byte[] {0x1f, (byte) 0x90, 10, (byte) 200, 0, 2}, java.util.Arrays.copyOfRange(bytes, 2, 8));
        SockAddr back = SockAddr.decode(bytes, bytes.length);
        assertEquals(SockAddr.inet(InetAddress.getByName("10.200.0.2"), 8080), back);
        assertEquals("10.200.0.2:8080", back.toString());
    }

    @Test
    void inet6KeepsScopeAndFlowOffsets() throws Exception {
        Inet6Address linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        byte[] bytes = SockAddr.inet(linkLocal, 443).encode();
        assertEquals(28, bytes.length);
        assertEquals(3, ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(24));
        assertEquals((byte) 0xfe, bytes[8]);
        SockAddr back = SockAddr.decode(bytes, bytes.length);
        assertEquals(443, back.port());
        assertEquals(3, ((Inet6Address) back.address()).getScopeId());
        assertFalse(back.isV4Mapped());
    }

    @Test
    void v4MappedStaysIpv6AndUnmapsToIpv4() throws Exception {
        SockAddr mapped = SockAddr.v4Mapped((Inet4Address) InetAddress.getByName("192.0.2.7"), 53);
        byte[] bytes = mapped.encode();
        assertEquals(SockAddr.AF_INET6, SockAddr.familyOf(bytes, bytes.length));
        SockAddr back = SockAddr.decode(bytes, bytes.length);
        assertEquals(SockAddr.AF_INET6, back.family());
        assertInstanceOf(Inet6Address.class, back.address());
        assertTrue(back.isV4Mapped());
        assertEquals(InetAddress.getByName("192.0.2.7"), back.unmappedAddress());
        assertEquals(mapped, back);
        assertFalse(SockAddr.inet(InetAddress.getByName("::1"), 1).isV4Mapped());
    }

    @Test
    void unixPathIsNulTerminatedAndDecodesUpToTheNul() {
        byte[] bytes = SockAddr.unix("/run/x.sock").encode();
        assertEquals(2 + 11 + 1, bytes.length);
        assertEquals(0, bytes[bytes.length - 1]);
        SockAddr back = SockAddr.decode(bytes, bytes.length);
        assertEquals("/run/x.sock", back.unixPath());
        assertFalse(back.isAbstract());
        // The kernel may report the full sun_path length with trailing NULs.
        byte[] padded = java.util.Arrays.copyOf(bytes, 110);
        assertEquals(back, SockAddr.decode(padded, padded.length));
    }

    @Test
    void abstractNameIsExactlyItsLengthAndMayHoldNul() {
        byte[] name = {'j', 0, 'n'};
        byte[] bytes = SockAddr.abstractUnix(name).encode();
        assertEquals(2 + 1 + 3, bytes.length);
        assertEquals(0, bytes[2]);
        SockAddr back = SockAddr.decode(bytes, bytes.length);
        assertTrue(back.isAbstract());
        assertEquals(SockAddr.abstractUnix(name), back);
        assertEquals("unix:@" + new String(name, java.nio.charset.StandardCharsets.UTF_8), back.toString());
    }

    @Test
    void unnamedUnixSocketIsJustTheFamily() {
        byte[] bytes = {0, 0};
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putShort(0, (short) SockAddr.AF_UNIX);
        SockAddr back = SockAddr.decode(bytes, 2);
        assertEquals("", back.unixPath());
        assertEquals("unix:(unnamed)", back.toString());
    }

    @Test
    void badInputNamesWhatIsWrong() {
        byte[] netlink = new byte[12];
        ByteBuffer.wrap(netlink).order(ByteOrder.nativeOrder()).putShort(0, (short) 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SockAddr.decode(netlink, 12));
        assertTrue(e.getMessage().contains("family 16"), e.getMessage());
        byte[] shortInet = java.util.Arrays.copyOf(SockAddr.unix("/a").encode(), 16);
        ByteBuffer.wrap(shortInet).order(ByteOrder.nativeOrder()).putShort(0, (short) SockAddr.AF_INET6);
        e = assertThrows(IllegalArgumentException.class, () -> SockAddr.decode(shortInet, 16));
        assertTrue(e.getMessage().contains("AF_INET6 address of 16 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix("x".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.inet(InetAddress.getLoopbackAddress(), 65536));
    }

    @Test
    void anOpaqueAddressIsHandedOverAsGivenAndIsNeitherInetNorAPath() {
        // struct sockaddr_nl: family 16, pad, nl_pid 0, nl_groups 0.
        byte[] netlink = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort(0, (short) 16).array();
        SockAddr a = SockAddr.opaque(netlink);
        assertEquals(16, a.family());
        assertArrayEquals(netlink, a.encode());
        assertFalse(a.isInet());
        netlink[4] = 1;
        assertEquals(0, a.encode()[4], "a copy was kept");
        assertThrows(IllegalStateException.class, a::unixPath);
        assertEquals(SockAddr.opaque(new byte[] {1, 0}), SockAddr.opaque(new byte[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.opaque(new byte[SockAddr.MAX_SIZE + 1]));
    }
}
