package io.jnerd.netns.bypass;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket options copied from the container's socket to its host replacement, with the
 * numbers of include/uapi/asm-generic/socket.h, linux/in.h, in6.h and tcp.h (the same on
 * x86_64 and aarch64). Each is read from both sockets and set on the host socket only when
 * the values differ: setting SO_SNDBUF or SO_RCVBUF at all switches off the kernel's
 * buffer autotuning (SOCK_SNDBUF_LOCK), so an untouched default must stay untouched.
 *
 * <p>Left out on purpose: SO_MARK and SO_BINDTODEVICE (need CAP_NET_ADMIN / name a
 * container interface), TCP_MAXSEG (reads 536 before connect and would clamp the MSS),
 * TCP_CONGESTION (the container may name an algorithm the host does not allow).
 */
public enum CopiedOption {
    SO_REUSEADDR(Level.SOL_SOCKET, 2, 4, Applies.ALL),
    SO_REUSEPORT(Level.SOL_SOCKET, 15, 4, Applies.ALL),
    SO_KEEPALIVE(Level.SOL_SOCKET, 9, 4, Applies.TCP),
    SO_BROADCAST(Level.SOL_SOCKET, 6, 4, Applies.UDP),
    SO_OOBINLINE(Level.SOL_SOCKET, 10, 4, Applies.TCP),
    SO_PRIORITY(Level.SOL_SOCKET, 12, 4, Applies.ALL),
    /** The kernel reports twice the value set (bookkeeping overhead, socket(7)); set half. */
    SO_SNDBUF(Level.SOL_SOCKET, 7, 4, Applies.ALL),
    SO_RCVBUF(Level.SOL_SOCKET, 8, 4, Applies.ALL),
    /** struct linger { int l_onoff; int l_linger; }. */
    SO_LINGER(Level.SOL_SOCKET, 13, 8, Applies.TCP),
    /** struct timeval of the native ABI (two longs on 64-bit: SO_RCVTIMEO_OLD). */
    SO_RCVTIMEO(Level.SOL_SOCKET, 20, 16, Applies.ALL),
    SO_SNDTIMEO(Level.SOL_SOCKET, 21, 16, Applies.ALL),
    IP_TOS(Level.IPPROTO_IP, 1, 4, Applies.IPV4),
    IP_TTL(Level.IPPROTO_IP, 2, 4, Applies.IPV4),
    /** Must be set before connect or bind; a dual-stack socket would reach IPv4 otherwise. */
    IPV6_V6ONLY(Level.IPPROTO_IPV6, 26, 4, Applies.IPV6),
    IPV6_UNICAST_HOPS(Level.IPPROTO_IPV6, 16, 4, Applies.IPV6),
    IPV6_TCLASS(Level.IPPROTO_IPV6, 67, 4, Applies.IPV6),
    TCP_NODELAY(Level.IPPROTO_TCP, 1, 4, Applies.TCP),
    TCP_CORK(Level.IPPROTO_TCP, 3, 4, Applies.TCP),
    TCP_KEEPIDLE(Level.IPPROTO_TCP, 4, 4, Applies.TCP),
    TCP_KEEPINTVL(Level.IPPROTO_TCP, 5, 4, Applies.TCP),
    TCP_KEEPCNT(Level.IPPROTO_TCP, 6, 4, Applies.TCP),
    TCP_USER_TIMEOUT(Level.IPPROTO_TCP, 18, 4, Applies.TCP);

    /** Option levels (the setsockopt {@code level} argument). */
    public static final class Level {
        public static final int SOL_SOCKET = 1;
        public static final int IPPROTO_IP = 0;
        public static final int IPPROTO_IPV6 = 41;
        public static final int IPPROTO_TCP = 6;

        private Level() {}
    }

    private enum Applies { ALL, TCP, UDP, IPV4, IPV6 }

    private final int level;
    private final int name;
    private final int size;
    private final Applies applies;

    CopiedOption(int level, int name, int size, Applies applies) {
        this.level = level;
        this.name = name;
        this.size = size;
        this.applies = applies;
    }

    public int level() {
        return level;
    }

    public int optionName() {
        return name;
    }

    /** The value's size in bytes. */
    public int size() {
        return size;
    }

    /** Whether a socket of {@code kind} has this option. */
    public boolean appliesTo(SocketKind kind) {
        if (!kind.isTcp() && !kind.isUdp()) {
            return false;
        }
        switch (applies) {
            case TCP: return kind.isTcp();
            case UDP: return kind.isUdp();
            case IPV4: return kind.family() == SocketKind.AF_INET;
            case IPV6: return kind.family() == SocketKind.AF_INET6;
            default: return true;
        }
    }

    /** The value to pass to setsockopt so that getsockopt then reads {@code read}. */
    public byte[] valueToSet(byte[] read) {
        if (this != SO_SNDBUF && this != SO_RCVBUF) {
            return read.clone();
        }
        ByteBuffer b = ByteBuffer.wrap(read.clone()).order(ByteOrder.nativeOrder());
        b.putInt(0, b.getInt(0) / 2);
        return b.array();
    }

    /** The options a socket of {@code kind} carries, in declaration order. */
    public static List<CopiedOption> forKind(SocketKind kind) {
        List<CopiedOption> list = new ArrayList<>();
        for (CopiedOption o : values()) {
            if (o.appliesTo(kind)) {
                list.add(o);
            }
        }
        return list;
    }
}
