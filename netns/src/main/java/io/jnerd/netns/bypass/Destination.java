package io.jnerd.netns.bypass;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A sockaddr as read once from the target's memory: the raw bytes (what the agent passes
 * to its own connect, so the kernel sees exactly what the rules checked) and, for AF_INET
 * and AF_INET6, the decoded address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) decodes
 * to its IPv4 address, because that is where the kernel sends it.
 */
public final class Destination {

    private static final int SOCKADDR_IN_LEN = 16;
    private static final int SOCKADDR_IN6_LEN = 28;

    private final byte[] raw;
    private final int family;
    private final InetSocketAddress inet;

    private Destination(byte[] raw, int family, InetSocketAddress inet) {
        this.raw = raw;
        this.family = family;
        this.inet = inet;
    }

    /**
     * Decodes {@code raw} (sa_family is host-order 16 bits, port and address network order,
     * as in include/uapi/linux/in.h and in6.h). A sockaddr too short for its family decodes
     * with no address: the kernel rejects it with EINVAL itself.
     */
    public static Destination decode(byte[] raw) {
        byte[] copy = raw.clone();
        if (copy.length < 2) {
            return new Destination(copy, -1, null);
        }
        int family = java.nio.ByteBuffer.wrap(copy, 0, 2).order(java.nio.ByteOrder.nativeOrder()).getShort() & 0xffff;
        InetSocketAddress inet = null;
        if (family == SocketKind.AF_INET && copy.length >= SOCKADDR_IN_LEN) {
            inet = new InetSocketAddress(address(Arrays.copyOfRange(copy, 4, 8), 0), port(copy));
        } else if (family == SocketKind.AF_INET6 && copy.length >= SOCKADDR_IN6_LEN) {
            int scope = java.nio.ByteBuffer.wrap(copy, 24, 4).order(java.nio.ByteOrder.nativeOrder()).getInt();
            inet = new InetSocketAddress(address(Arrays.copyOfRange(copy, 8, 24), scope), port(copy));
        }
        return new Destination(copy, family, inet);
    }

    /** Encodes an address the way the kernel expects it for a socket of {@code family}. */
    public static Destination of(int family, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        java.nio.ByteBuffer b;
        if (family == SocketKind.AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("AF_INET socket cannot use " + ip.getHostAddress());
            }
            b = java.nio.ByteBuffer.allocate(SOCKADDR_IN_LEN);
            b.put(4, ip.getAddress());
        } else if (family == SocketKind.AF_INET6) {
            b = java.nio.ByteBuffer.allocate(SOCKADDR_IN6_LEN);
            b.put(8, ip instanceof Inet4Address ? v4Mapped(ip.getAddress()) : ip.getAddress());
        } else {
            throw new IllegalArgumentException("not an internet family: " + SocketKind.familyName(family));
        }
        b.order(java.nio.ByteOrder.nativeOrder()).putShort(0, (short) family);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putShort(2, (short) address.getPort());
        return decode(b.array());
    }

    /** sa_family, or -1 when the sockaddr is shorter than that field. */
    public int family() {
        return family;
    }

    /** The decoded address, or null for other families and short sockaddrs. */
    public InetSocketAddress inet() {
        return inet;
    }

    /** A copy of the bytes as read. */
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public String toString() {
        if (inet != null) {
            return inet.getAddress().getHostAddress() + " port " + inet.getPort();
        }
        return SocketKind.familyName(family) + " (" + raw.length + " bytes)";
    }

    private static int port(byte[] b) {
        return ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static InetAddress address(byte[] bytes, int scope) {
        try {
            // getByAddress turns a v4-mapped IPv6 address into an Inet4Address.
            InetAddress a = InetAddress.getByAddress(bytes);
            if (a instanceof Inet6Address && scope != 0) {
                return Inet6Address.getByAddress(null, bytes, scope);
            }
            return a;
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes always make an address", e);
        }
    }

    private static byte[] v4Mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }
}
