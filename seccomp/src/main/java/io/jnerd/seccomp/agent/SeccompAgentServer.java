package io.jnerd.seccomp.agent;

import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The unix socket a seccomp profile's {@code listenerPath} names. runc (and crun) connect to
 * it once per container and send the container state JSON with the listener fd (SCM_RIGHTS);
 * the agent reads until the JSON is complete and closes the connection. Each usable listener goes to a {@link ListenerConsumer}; anything else (an empty
 * connection, which is how crun reports a container that failed early; oversized or malformed
 * JSON; no seccompFd; an fd that is not a listener; a peer that sends nothing) is logged in one
 * line, every received fd is closed, and the next connection is served.
 *
 * <p>Connections are served one after another on one thread; each may take at most
 * {@link #READ_TIMEOUT_MILLIS} so a silent peer cannot hold up the next container.
 */
public final class SeccompAgentServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SeccompAgentServer.class.getName());

    /** Largest state message taken: runc's is about 1 KiB plus the container's annotations. */
    public static final int MAX_STATE_BYTES = 256 * 1024;
    /** Fds taken per message; runc and crun send one. More make recvmsg truncate, and the message is refused. */
    static final int MAX_FDS = 8;
    static final long READ_TIMEOUT_MILLIS = 2000;
    private static final int CHUNK = 64 * 1024;
    private static final int BACKLOG = 64;
    static final long MIN_BACKOFF_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 1000;

    private final Path path;
    private final ListenerConsumer consumer;
    private final Fd server;
    private final Fd wakeup;
    private final Thread thread;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    private SeccompAgentServer(Path path, ListenerConsumer consumer, Fd server, Fd wakeup) {
        this.path = path;
        this.consumer = consumer;
        this.server = server;
        this.wakeup = wakeup;
        this.thread = new Thread(this::acceptLoop, "seccomp-agent " + path);
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code path} (mode 0600: only the owner may hand listeners to this agent), replacing
     * a stale socket left there, and starts serving.
     */
    public static SeccompAgentServer start(Path path, ListenerConsumer consumer) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException("seccomp agent socket " + path + " exists and is not a socket");
            }
            Files.delete(path);
        }
        Fd server = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        Fd wakeup = null;
        try {
            Sockets.bind(server, SockAddr.unix(path.toString()));
            // Before listen(2) nobody can connect, so the mode is right before the first peer.
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            Sockets.listen(server, BACKLOG);
            wakeup = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
        return serve(path, consumer, server, wakeup);
    }

    /**
     * Serves {@code listening}, the socket at {@code path} as an earlier process bound it and
     * kept a copy of it (bypassd's fd store) across a restart: runc's connections made
     * meanwhile wait in its backlog, each with its container's listener (runc sends the state
     * and goes on without an answer), and are served now. Refused unless it is a listening
     * AF_UNIX stream socket bound to {@code path} (the copy is untrusted input).
     * {@code listening} becomes the server's; when refused (thrown) it stays the caller's.
     */
    public static SeccompAgentServer resume(Path path, Fd listening, ListenerConsumer consumer) throws IOException {
        if (Sockets.getIntOption(listening, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN) != SockAddr.AF_UNIX
                || Sockets.getIntOption(listening, Sockets.SOL_SOCKET, Sockets.SO_TYPE) != Sockets.SOCK_STREAM
                || Sockets.getIntOption(listening, Sockets.SOL_SOCKET, Sockets.SO_ACCEPTCONN) != 1) {
            throw new IOException("kept fd " + listening.get() + " is not a listening unix stream socket");
        }
        SockAddr bound = Sockets.localAddress(listening);
        if (bound.isAbstract() || !path.toString().equals(bound.unixPath())) {
            throw new IOException("kept agent socket is bound to " + bound + ", not " + path);
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("kept agent socket " + path + " was removed: nobody could connect to it");
        }
        return serve(path, consumer, listening, EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK));
    }

    private static SeccompAgentServer serve(Path path, ListenerConsumer consumer, Fd server, Fd wakeup) {
        SeccompAgentServer s = new SeccompAgentServer(path, consumer, server, wakeup);
        s.thread.start();
        return s;
    }

    public Path path() {
        return path;
    }

    /** Listeners handed to the consumer so far. */
    public long served() {
        return served.get();
    }

    /** Connections that gave no listener (each was logged). */
    public long rejected() {
        return rejected.get();
    }

    /**
     * The listening socket, to keep a copy of elsewhere (a restarted bypassd {@link #resume}s
     * it); it stays this server's.
     */
    public Fd listeningSocket() {
        return server;
    }

    /** Stops accepting, waits for the serving thread, removes the socket. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        stop();
        Files.deleteIfExists(path);
    }

    /**
     * Stops accepting and waits for the serving thread, but leaves the socket where it is: a
     * copy kept elsewhere still listens there, and containers created meanwhile queue on it
     * for the next server. Idempotent.
     */
    public synchronized void detach() throws IOException {
        stop();
    }

    private void stop() throws IOException {
        if (thread.isAlive()) {
            // Only this method closes the eventfd, so the thread cannot have closed it under us.
            EventFd.signal(wakeup, 1);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.close();
        wakeup.close();
    }

    /**
     * Accepts until {@link #close()}. A failing accept (EMFILE or ENFILE when the daemon is
     * out of fds, ENOMEM, ECONNABORTED) leaves the connection queued and the socket
     * readable, so retrying at once would spin: the loop waits, from
     * {@link #MIN_BACKOFF_MILLIS} doubling to {@link #MAX_BACKOFF_MILLIS}, and tries again,
     * logging once per run of failures. It never ends on an error.
     */
    private void acceptLoop() {
        Fd[] fds = {server, wakeup};
        int[] events = {Poll.POLLIN, Poll.POLLIN};
        int[] revents = new int[2];
        long backoff = 0;
        while (true) {
            try {
                Poll.poll(fds, events, revents, -1);
                if (revents[1] != 0) {
                    return;
                }
                Fd connection = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
                if (backoff > 0) {
                    log(Level.INFO, () -> "seccomp agent on " + path + ": accepting again");
                    backoff = 0;
                }
                if (connection != null) {
                    try (connection) {
                        serve(connection);
                    }
                }
            } catch (SyscallException | RuntimeException e) {
                if (backoff == 0) {
                    log(Level.WARNING, () -> "seccomp agent on " + path + ": " + e.getMessage()
                            + "; retrying with a back-off of up to " + MAX_BACKOFF_MILLIS + " ms");
                }
                backoff = backoff == 0 ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                if (closedWithin(backoff)) {
                    return;
                }
            }
        }
    }

    /**
     * Logs, and survives the logging: out of fds, JUL's first formatted line dies with an
     * Error (it opens the JDK's tzdb.dat to learn the time zone), which must not end the loop.
     */
    private static void log(Level level, java.util.function.Supplier<String> message) {
        try {
            LOG.log(level, message);
        } catch (RuntimeException | LinkageError e) {
            // The line is lost; the loop goes on.
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        }
    }

    /** Waits up to {@code millis} for {@link #close()}; whether it came. */
    private boolean closedWithin(long millis) {
        int[] revents = new int[1];
        try {
            return Poll.poll(new Fd[] {wakeup}, new int[] {Poll.POLLIN}, revents, millis) > 0;
        } catch (SyscallException e) {
            // Cannot even poll (ENOMEM): wait all the same, close() is seen on the next turn.
            try {
                Thread.sleep(millis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private void serve(Fd connection) {
        List<Fd> received = new ArrayList<>();
        int peerPid = peerPid(connection);
        String peer = peerPid > 0 ? "pid " + peerPid : "unknown peer";
        try {
            ContainerState state = StateMessage.bundleSeenFrom(readState(connection, received), peerPid);
            int index = StateMessage.listenerIndex(state, received);
            Fd listener = received.set(index, null);
            try {
                consumer.accept(state, listener);
            } catch (Exception e) {
                listener.close();
                throw new RejectedConnection("listener of container " + state.containerId() + " not taken: " + e);
            }
            served.incrementAndGet();
            log(Level.DEBUG, () -> "seccomp agent: listener of container " + state.containerId() + " (pid "
                    + state.pid() + ") from " + peer);
        } catch (RejectedConnection e) {
            rejected.incrementAndGet();
            log(Level.WARNING, () -> "seccomp agent: connection from " + peer + " refused: " + e.getMessage());
        } finally {
            for (Fd fd : received) {
                if (fd != null) {
                    fd.close();
                }
            }
        }
    }

    /**
     * Reads until the state JSON is complete, collecting every fd that arrives into
     * {@code received}.
     */
    private static ContainerState readState(Fd connection, List<Fd> received) throws RejectedConnection {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS);
        Fd[] fds = {connection};
        int[] events = {Poll.POLLIN};
        int[] revents = new int[1];
        try {
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || Poll.poll(fds, events, revents, left) == 0) {
                    throw new RejectedConnection("no complete state message within " + READ_TIMEOUT_MILLIS
                            + " ms (" + data.size() + " bytes so far)");
                }
                try (ScmRights.Received r = ScmRights.receive(connection, CHUNK, MAX_FDS)) {
                    for (int i = 0; i < r.fds().size(); i++) {
                        received.add(r.take(i));
                    }
                    if (r.isEndOfStream()) {
                        throw new RejectedConnection(data.size() == 0 && received.isEmpty()
                                ? "empty connection (crun's way to say the container failed before its seccomp"
                                        + " filter was loaded)"
                                : "connection closed after " + data.size() + " bytes of incomplete state JSON");
                    }
                    data.write(r.data(), 0, r.data().length);
                }
                if (data.size() > MAX_STATE_BYTES) {
                    throw new RejectedConnection("state message larger than " + MAX_STATE_BYTES + " bytes");
                }
                Optional<ContainerState> state = StateMessage.parse(data.toByteArray(), data.size());
                if (state.isPresent()) {
                    return state.get();
                }
            }
        } catch (IOException e) {
            throw new RejectedConnection("reading the state message: " + e.getMessage());
        }
    }

    /** The runtime's pid from SO_PEERCRED; 0 when unknown. */
    private static int peerPid(Fd connection) {
        try {
            return Sockets.peerCredentials(connection).pid();
        } catch (SyscallException | RuntimeException e) {
            return 0;
        }
    }
}
