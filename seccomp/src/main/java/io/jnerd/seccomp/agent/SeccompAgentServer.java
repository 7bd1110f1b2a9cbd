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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** Stops accepting, waits for the serving thread, removes the socket. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
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
        Files.deleteIfExists(path);
    }

    private void acceptLoop() {
        Fd[] fds = {server, wakeup};
        int[] events = {Poll.POLLIN, Poll.POLLIN};
        int[] revents = new int[2];
        try {
            while (true) {
                Poll.poll(fds, events, revents, -1);
                if (revents[1] != 0) {
                    return;
                }
                Fd connection = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
                if (connection != null) {
                    try (connection) {
                        serve(connection);
                    }
                }
            }
        } catch (SyscallException | RuntimeException e) {
            LOG.log(Level.ERROR, "seccomp agent on " + path + " stopped: " + e.getMessage());
        } finally {
            server.close();
        }
    }

    private void serve(Fd connection) {
        List<Fd> received = new ArrayList<>();
        String peer = peerOf(connection);
        try {
            ContainerState state = readState(connection, received);
            int index = StateMessage.listenerIndex(state, received);
            Fd listener = received.set(index, null);
            try {
                consumer.accept(state, listener);
            } catch (Exception e) {
                listener.close();
                throw new RejectedConnection("listener of container " + state.containerId() + " not taken: " + e);
            }
            served.incrementAndGet();
            LOG.log(Level.DEBUG, () -> "seccomp agent: listener of container " + state.containerId() + " (pid "
                    + state.pid() + ") from " + peer);
        } catch (RejectedConnection e) {
            rejected.incrementAndGet();
            LOG.log(Level.WARNING, "seccomp agent: connection from " + peer + " refused: " + e.getMessage());
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

    /** "pid 123 uid 0" from SO_PEERCRED (struct ucred: pid, uid, gid), for the log. */
    private static String peerOf(Fd connection) {
        try {
            ByteBuffer cred = ByteBuffer.wrap(Sockets.getOption(connection, Sockets.SOL_SOCKET, Sockets.SO_PEERCRED, 12))
                    .order(ByteOrder.nativeOrder());
            return "pid " + cred.getInt(0) + " uid " + cred.getInt(4);
        } catch (SyscallException | RuntimeException e) {
            return "unknown peer";
        }
    }
}
