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
            try (Swapper swapper = new Swapper(host, container)) {
                return sendRounds(swapper.slot(), target, rounds);
            }
        }
    }

    /**
     * As {@link #sendWhileSwapping}, with a socket of another family as the container's:
     * {@code kind} "unix" (AF_UNIX datagram) or "netlink" (NETLINK_ROUTE). An agent that
     * CONTINUEd sends on those would let the kernel send from the host socket swapped in.
     * How many went, how many the agent refused on the host socket (ENETUNREACH) and how
     * many the other socket's own family refused (EINVAL: not its kind of address).
     */
    static String sendWhileSwappingWith(String kind, SockAddr hostSide, SockAddr target, int rounds) throws Exception {
        try (Fd host = Sockets.socket(hostSide.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd other = otherSocket(kind, Sockets.SOCK_DGRAM)) {
            Sockets.connect(host, hostSide);
            if (!BypassChild.switched(host)) {
                return "the first socket was not switched";
            }
            try (Swapper swapper = new Swapper(host, other)) {
                int[] counts = new int[3];
                for (int i = 0; i < rounds; i++) {
                    long r = Sockets.trySendTo(swapper.slot(), PROBE, 0, PROBE.length, 0, target);
                    String end = count(r == PROBE.length ? 0 : r, counts, i);
                    if (end != null) {
                        return end;
                    }
                }
                return "ok sent=" + counts[0] + " refused=" + counts[1] + " einval=" + counts[2];
            }
        }
    }

    /**
     * Each round: a TCP socket switched and refused (unconnected, in the host's namespace)
     * and a socket of another family ({@code kind}: "unix" stream or "netlink") swap places
     * while the main thread connects the slot to {@code target}. Counted as for
     * {@link #sendWhileSwappingWith}; a connect that succeeds ends the race: it reached
     * the host's {@code target}.
     */
    static String connectWhileSwappingWith(String kind, SockAddr refusing, SockAddr target, int rounds)
            throws Exception {
        int[] counts = new int[3];
        for (int i = 0; i < rounds; i++) {
            try (Fd host = refusedHostSocket(refusing); Fd other = otherSocket(kind, Sockets.SOCK_STREAM)) {
                if (host == null) {
                    return "round " + i + ": the connect was not switched and refused";
                }
                Sockets.setFileStatusFlags(host, Sockets.fileStatusFlags(host) & ~Sockets.SOCK_NONBLOCK);
                int errno;
                try (Swapper swapper = new Swapper(host, other)) {
                    errno = Sockets.tryConnect(swapper.slot(), target);
                }
                if (errno == 0) {
                    return "HOLE round " + i + ": connected to " + target;
                }
                String end = count(-errno, counts, i);
                if (end != null) {
                    return end;
                }
            }
        }
        return "ok refused=" + counts[1] + " einval=" + counts[2];
    }

    /** Counts 0 (went), -ENETUNREACH and -EINVAL; anything else is the race's end, returned. */
    private static String count(long r, int[] counts, int round) {
        if (r == 0) {
            counts[0]++;
        } else if (r == -Errno.ENETUNREACH) {
            counts[1]++;
        } else if (r == -Errno.EINVAL) {
            counts[2]++;
        } else {
            return "round " + round + ": " + (r < 0 ? Errno.name((int) -r) : r + " bytes");
        }
        return null;
    }

    private static Fd otherSocket(String kind, int unixType) throws SyscallException {
        switch (kind) {
            case "unix":
                return Sockets.socket(SockAddr.AF_UNIX, unixType | Sockets.SOCK_CLOEXEC, 0);
            case "netlink":
                return Sockets.socket(16, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, 0);
            default:
                throw new IllegalArgumentException("no socket kind " + kind);
        }
    }

    /**
     * A UDP socket connected to {@code to} (switched), then {@code rounds} sendto calls to
     * {@code to} itself while the test rewrites the address in this process's memory: how
     * many went, and how many the agent refused because it read the rewritten address.
     */
    static String sendWhileRewritten(SockAddr to, int rounds) throws Exception {
        try (Fd s = Sockets.socket(to.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(s, to);
            if (!BypassChild.switched(s)) {
                return "the socket was not switched";
            }
            return sendRounds(s, to, rounds);
        }
    }

    /** {@code rounds} sendto calls: how many went, how many were refused with ENETUNREACH; anything else ends it. */
    private static String sendRounds(Fd socket, SockAddr to, int rounds) {
        int sent = 0;
        int refused = 0;
        for (int i = 0; i < rounds; i++) {
            long r = Sockets.trySendTo(socket, PROBE, 0, PROBE.length, 0, to);
            if (r == PROBE.length) {
                sent++;
            } else if (r == -Errno.ENETUNREACH) {
                refused++;
            } else {
                return "round " + i + ": " + (r < 0 ? Errno.name((int) -r) : r + " bytes");
            }
        }
        return "ok sent=" + sent + " refused=" + refused;
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
        private final java.util.concurrent.atomic.AtomicLong swaps = new java.util.concurrent.atomic.AtomicLong();
        private final Thread thread;
        private final Fd slot;

        Swapper(Fd a, Fd b) throws SyscallException {
            slot = Sockets.dup3(b, SLOT, 0);
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        Sockets.dup3(a, SLOT, 0).release();
                        Sockets.dup3(b, SLOT, 0).release();
                        swaps.incrementAndGet();
                    }
                } catch (SyscallException e) {
                    throw new IllegalStateException(e);
                }
            }, "swapper");
            thread.start();
            // Swapping before the first call: a thread slow to start would leave the race unraced.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (swaps.get() < 100 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
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
