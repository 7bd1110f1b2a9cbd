package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One new host socket per kind, made ahead: socket(2) of a TCP socket costs ~7 us here
 * (allocation, LSM and cgroup BPF hooks), which a switch then does not wait for. The spares
 * are the agent's process's, in its network namespace, shared by every container it serves:
 * at most one file per kind stays open.
 */
final class SpareHostSockets {

    private static final Map<SocketKind, Fd> SPARES = new ConcurrentHashMap<>();

    private SpareHostSockets() {}

    /** A non-blocking, close-on-exec socket of {@code kind} with the host's defaults: the spare if one is ready. */
    static Fd take(SocketKind kind) throws SyscallException {
        Fd spare = SPARES.remove(kind);
        return spare != null ? spare : create(kind);
    }

    /** Makes the spare of {@code kind} if there is none; for when nobody waits on this thread. */
    static void replenish(SocketKind kind) {
        if (SPARES.containsKey(kind)) {
            return;
        }
        try {
            Fd s = create(kind);
            if (SPARES.putIfAbsent(kind, s) != null) {
                s.close();
            }
        } catch (SyscallException e) {
            // EMFILE and the like: the next take tries again, and reports it.
        }
    }

    private static Fd create(SocketKind kind) throws SyscallException {
        return Sockets.socket(kind.family(), kind.type() | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, kind.protocol());
    }
}
