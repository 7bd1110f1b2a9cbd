package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The races {@link SendGuardKernelTest} runs inside {@link BypassChild}: one fd number
 * that another thread keeps pointing (dup3) now at a switched host socket, now at a
 * container socket, while the main thread sends or binds through it. An agent that
 * checked the socket and then answered CONTINUE would let the kernel look the fd up again
 * and act on the host socket in the host's namespace.
 */
final class SendGuardRaces {

    /** An fd number nothing else in the child uses. */
    private static final int SLOT = 900;
    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.US_ASCII);

    private SendGuardRaces() {}

    /**
     * A UDP socket connected to {@code hostSide} (switched) and an unconnected container
     * one swap places at {@link #SLOT}; {@code rounds} sendto calls to {@code target}.
     */
    static String sendWhileSwapping(SockAddr hostSide, SockAddr target, int rounds) throws Exception {
        try (Fd host = Sockets.socket(hostSide.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd container = Sockets.socket(hostSide.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(host, hostSide);
            if (!BypassChild.switched(host)) {
                return "the first socket was not switched";
            }
            int sent = 0;
            int refused = 0;
            try (Swapper swapper = new Swapper(host, container)) {
                Fd slot = swapper.slot();
                for (int i = 0; i < rounds; i++) {
                    long r = Sockets.trySendTo(slot, PROBE, 0, PROBE.length, 0, target);
                    if (r == PROBE.length) {
                        sent++;
                    } else if (r == -Errno.ENETUNREACH) {
                        refused++;
                    } else {
                        return "round " + i + ": " + (r < 0 ? Errno.name((int) -r) : r + " bytes");
                    }
                }
            }
            return "ok sent=" + sent + " refused=" + refused;
        }
    }

    /**
     * Each round: a TCP socket switched and refused by {@code refusing} (unconnected and
     * unbound again, in the host's namespace) and a fresh container socket swap places at
     * {@link #SLOT} while the main thread binds the slot to {@code target}; then whether
     * the host socket ended up bound.
     */
    static String bindWhileSwapping(SockAddr refusing, SockAddr target, int rounds) throws Exception {
        int bound = 0;
        int refused = 0;
        for (int i = 0; i < rounds; i++) {
            try (Fd host = refusedHostSocket(refusing);
                    Fd container = Sockets.socket(refusing.family(), Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                if (host == null) {
                    return "round " + i + ": the connect was not switched and refused";
                }
                int errno;
                try (Swapper swapper = new Swapper(host, container)) {
                    try {
                        Sockets.bind(swapper.slot(), target);
                        errno = 0;
                    } catch (SyscallException e) {
                        errno = e.errno();
                    }
                }
                // A refused connect leaves its old address in getsockname (though the port
                // is free again): only the bind's own target counts.
                SockAddr hostLocal = Sockets.localAddress(host);
                if (hostLocal.port() == target.port() && hostLocal.address().equals(target.address())) {
                    return "HOLE round " + i + ": the host socket is bound to " + hostLocal;
                }
                if (errno == 0) {
                    bound++;
                } else if (errno == Errno.EINVAL) {
                    refused++;
                } else {
                    return "round " + i + ": " + Errno.name(errno);
                }
            }
        }
        return "ok bound=" + bound + " refused=" + refused;
    }

    /**
     * A non-blocking TCP connect to {@code refusing}, switched and then refused
     * asynchronously: a host socket in the container, unconnected and with no port again.
     *
     * @return null when it was not switched or not refused
     */
    static Fd refusedHostSocket(SockAddr refusing) throws SyscallException {
        Fd s = Sockets.socket(refusing.family(), Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        int errno = Sockets.tryConnect(s, refusing);
        if (errno == Errno.EINPROGRESS) {
            Poll.poll(new Fd[] {s}, new int[] {Poll.POLLOUT}, new int[1], 5000);
            errno = Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
        }
        if (errno != Errno.ECONNREFUSED || !BypassChild.switched(s)) {
            s.close();
            return null;
        }
        return s;
    }

    /** A thread that keeps dup3-ing one socket, then the other, onto {@link #SLOT} until closed. */
    private static final class Swapper implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final Fd slot;

        Swapper(Fd a, Fd b) throws SyscallException {
            slot = Sockets.dup3(b, SLOT, 0);
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        Sockets.dup3(a, SLOT, 0).release();
                        Sockets.dup3(b, SLOT, 0).release();
                    }
                } catch (SyscallException e) {
                    throw new IllegalStateException(e);
                }
            }, "swapper");
            thread.start();
        }

        Fd slot() {
            return slot;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
            slot.close();
        }
    }
}
