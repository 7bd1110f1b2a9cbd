package io.jnerd.netns.bypassd;

import io.jnerd.http.ServerLimits;
import io.jnerd.http.UnixHttpServer;
import io.jnerd.netns.bypass.ConnectWaiter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code jnerd bypassd}: the bypass4netnsd REST API on a unix socket. Each POSTed bypass is a
 * seccomp agent socket plus a supervisor running the socket switcher
 * ({@link SupervisedBypassFactory}). The CLI calls {@link #run(Path)} (blocks until
 * {@link #close()}), or {@link #start(Path)} to serve in the background.
 */
public final class BypassDaemon implements AutoCloseable {

    /** Connections served at once; more get a 503 (clients make one request at a time). */
    public static final int MAX_CONNECTIONS = 32;

    private final Consumer<String> log;
    private final List<Path> clientDirs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConnectWaiter waiter;
    private BypassRegistry registry;
    private UnixHttpServer server;

    /**
     * A daemon whose clients' runtime dir is the directory of its own socket (where
     * {@link #defaultSocket()} puts it: $XDG_RUNTIME_DIR, or /run/jnerd as root): agent sockets
     * and pid files go under it ({@link ClientPaths}).
     *
     * @param log one line per event (bypass started/stopped, failures); the CLI prints or files it
     */
    public BypassDaemon(Consumer<String> log) {
        this(log, List.of());
    }

    /** @param moreClientDirs where else clients may put agent sockets and pid files (jnerd's state dir) */
    public BypassDaemon(Consumer<String> log, List<Path> moreClientDirs) {
        this.log = log;
        this.clientDirs = List.copyOf(moreClientDirs);
    }

    /** Listens on {@code socket} (mode 0600) and serves in background threads. */
    public synchronized void start(Path socket) throws IOException {
        if (server != null) {
            throw new IllegalStateException("bypassd already serves " + server.socket());
        }
        waiter = new ConnectWaiter("bypassd-connect-waiter");
        List<Path> dirs = new ArrayList<>();
        dirs.add(socket.toAbsolutePath().getParent());
        dirs.addAll(clientDirs);
        registry = new BypassRegistry(new SupervisedBypassFactory(waiter), ClientPaths.under(dirs), log);
        try {
            server = UnixHttpServer.start(socket, new BypassApi(registry), ServerLimits.defaults(MAX_CONNECTIONS), log);
        } catch (IOException | RuntimeException e) {
            waiter.close();
            throw e;
        }
        log.accept("bypassd listening on " + server.socket());
    }

    /** Serves on {@code socket} until {@link #close()} is called (from another thread or a shutdown hook). */
    public void run(Path socket) throws IOException, InterruptedException {
        start(socket);
        stopped.await();
    }

    /** The running bypasses (for the CLI's own use, e.g. {@code jnerd run} in the same process). */
    public synchronized BypassRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("bypassd is not started");
        }
        return registry;
    }

    /** Stops serving, stops every bypass and removes the socket. */
    @Override
    public synchronized void close() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (waiter != null) {
                waiter.close();
            }
            stopped.countDown();
        }
    }
}
