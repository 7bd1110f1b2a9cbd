package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket options copied from the container's socket to its host replacement (the
 * numbers are {@link Sockets}'). Each is read from both sockets and set on the host socket only when
 * the values differ: setting SO_SNDBUF or SO_RCVBUF at all switches off the kernel's
 * buffer autotuning (SOCK_SNDBUF_LOCK), so an untouched default must stay untouched.
 *
 * <p>Left out on purpose: SO_MARK and SO_BINDTODEVICE (need CAP_NET_ADMIN / name a
 * container interface), TCP_MAXSEG (reads 536 before connect and would clamp the MSS),
 * TCP_CONGESTION (the container may name an algorithm the host does not allow).
 */
public enum CopiedOption {
    SO_REUSEADDR(Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 4, Applies.ALL),
    SO_REUSEPORT(Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 4, Applies.ALL),
    SO_KEEPALIVE(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, 4, Applies.TCP),
    SO_BROADCAST(Sockets.SOL_SOCKET, Sockets.SO_BROADCAST, 4, Applies.UDP),
    SO_OOBINLINE(Sockets.SOL_SOCKET, Sockets.SO_OOBINLINE, 4, Applies.TCP),
    SO_PRIORITY(Sockets.SOL_SOCKET, Sockets.SO_PRIORITY, 4, Applies.ALL),
    /** The kernel reports twice the value set (bookkeeping overhead, socket(7)); set half. */
    SO_SNDBUF(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 4, Applies.ALL),
    SO_RCVBUF(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 4, Applies.ALL),
    /** struct linger { int l_onoff; int l_linger; }. */
    SO_LINGER(Sockets.SOL_SOCKET, Sockets.SO_LINGER, 8, Applies.TCP),
    /** struct timeval of the native ABI (two longs on 64-bit: SO_RCVTIMEO_OLD). */
    SO_RCVTIMEO(Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, 16, Applies.ALL),
    SO_SNDTIMEO(Sockets.SOL_SOCKET, Sockets.SO_SNDTIMEO, 16, Applies.ALL),
    IP_TOS(Sockets.IPPROTO_IP, Sockets.IP_TOS, 4, Applies.IPV4),
    IP_TTL(Sockets.IPPROTO_IP, Sockets.IP_TTL, 4, Applies.IPV4),
    /** Must be set before connect or bind; a dual-stack socket would reach IPv4 otherwise. */
    IPV6_V6ONLY(Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 4, Applies.IPV6),
    IPV6_UNICAST_HOPS(Sockets.IPPROTO_IPV6, Sockets.IPV6_UNICAST_HOPS, 4, Applies.IPV6),
    IPV6_TCLASS(Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS, 4, Applies.IPV6),
    TCP_NODELAY(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 4, Applies.TCP),
    TCP_CORK(Sockets.IPPROTO_TCP, Sockets.TCP_CORK, 4, Applies.TCP),
    TCP_KEEPIDLE(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE, 4, Applies.TCP),
    TCP_KEEPINTVL(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL, 4, Applies.TCP),
    TCP_KEEPCNT(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT, 4, Applies.TCP),
    TCP_USER_TIMEOUT(Sockets.IPPROTO_TCP, Sockets.TCP_USER_TIMEOUT, 4, Applies.TCP);

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

    /**
     * Where SO_MEMINFO holds this option's value (an index of u32s), or -1: SO_SNDBUF and
     * SO_RCVBUF are read together with one getsockopt instead of two.
     */
    int memInfoSlot() {
        return this == SO_SNDBUF ? Sockets.SK_MEMINFO_SNDBUF : this == SO_RCVBUF ? Sockets.SK_MEMINFO_RCVBUF : -1;
    }

    /** Whether a socket of {@code kind} has this option. */
    public boolean appliesTo(SocketKind kind) {
        if (!kind.isTcp() && !kind.isUdp()) {
            return false;
        }
        switch (applies) {
            case TCP: return kind.isTcp();
            case UDP: return kind.isUdp();
            case IPV4: return kind.family() == SockAddr.AF_INET;
            case IPV6: return kind.family() == SockAddr.AF_INET6;
            default: return true;
        }
    }

    /**
     * Turns {@code value}, as getsockopt read it, into what setsockopt must be given so that
     * getsockopt then reads it again (in place: the option copy keeps one array for all).
     */
    public void makeSettable(byte[] value) {
        if (this == SO_SNDBUF || this == SO_RCVBUF) {
            NATIVE_INT.set(value, 0, (int) NATIVE_INT.get(value, 0) / 2);
        }
    }

    private static final VarHandle NATIVE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

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
