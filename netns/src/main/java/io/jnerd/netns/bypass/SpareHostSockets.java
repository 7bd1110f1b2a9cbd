package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One new host socket per kind, made ahead: socket(2) of a TCP socket costs ~7 us here
 * (allocation, LSM and cgroup BPF hooks), which a switch then does not wait for. The spares
 * are the agent's process's, in its network namespace, shared by every container it serves:
 * at most one file per kind stays open.
 *
 * <p>TCP and UDP over IPv4 and IPv6, the kinds nearly every switch is of, each have a slot
 * of their own (a swap per take, no map node per replenish); other kinds go in a map.
 */
final class SpareHostSockets {

    /**
     * F_GETFL of every socket {@link #take} gives: a socket file is O_RDWR, and these are
     * made non-blocking (net/socket.c, sock_alloc_file).
     */
    static final int STATUS_FLAGS = OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK;

    /** Slots: TCP and UDP over IPv4, then over IPv6. */
    private static final AtomicReferenceArray<Fd> COMMON = new AtomicReferenceArray<>(4);
    private static final Map<SocketKind, Fd> OTHERS = new ConcurrentHashMap<>();

    private SpareHostSockets() {}

    /** A non-blocking, close-on-exec socket of {@code kind} with the host's defaults: the spare if one is ready. */
    static Fd take(SocketKind kind) throws SyscallException {
        int slot = slot(kind);
        Fd spare = slot >= 0 ? COMMON.getAndSet(slot, null) : OTHERS.remove(kind);
        return spare != null ? spare : create(kind);
    }

    /** Makes the spare of {@code kind} if there is none; for when nobody waits on this thread. */
    static void replenish(SocketKind kind) {
        int slot = slot(kind);
        if (slot >= 0 ? COMMON.get(slot) != null : OTHERS.containsKey(kind)) {
            return;
        }
        try {
            Fd s = create(kind);
            boolean kept = slot >= 0 ? COMMON.compareAndSet(slot, null, s) : OTHERS.putIfAbsent(kind, s) == null;
            if (!kept) {
                s.close();
            }
        } catch (SyscallException e) {
            // EMFILE and the like: the next take tries again, and reports it.
        }
    }

    /** The slot of a common kind (SO_PROTOCOL reads 6 or 17 for those, never 0), or -1. */
    private static int slot(SocketKind kind) {
        int family = kind.family() == SockAddr.AF_INET ? 0 : kind.family() == SockAddr.AF_INET6 ? 2 : -1;
        if (family >= 0 && kind.type() == Sockets.SOCK_STREAM && kind.protocol() == Sockets.IPPROTO_TCP) {
            return family;
        }
        if (family >= 0 && kind.type() == Sockets.SOCK_DGRAM && kind.protocol() == Sockets.IPPROTO_UDP) {
            return family + 1;
        }
        return -1;
    }

    private static Fd create(SocketKind kind) throws SyscallException {
        return Sockets.socket(kind.family(), kind.type() | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, kind.protocol());
    }
}
