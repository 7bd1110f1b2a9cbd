package io.jnerd.netns.bypassd;

import io.jnerd.http.ServerLimits;
import io.jnerd.http.UnixHttpServer;
import io.jnerd.netns.bypass.ConnectWaiter;
import java.io.IOException;
import java.nio.file.Path;
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
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConnectWaiter waiter;
    private BypassRegistry registry;
    private UnixHttpServer server;

    /** @param log one line per event (bypass started/stopped, failures); the CLI prints or files it */
    public BypassDaemon(Consumer<String> log) {
        this.log = log;
    }

    /**
     * {@code $XDG_RUNTIME_DIR/bypass4netnsd.sock}, where nerdctl looks for bypass4netnsd.
     *
     * @throws IllegalStateException when XDG_RUNTIME_DIR is not set
     */
    public static Path defaultSocket() {
        String dir = System.getenv("XDG_RUNTIME_DIR");
        if (dir == null || dir.isEmpty()) {
            throw new IllegalStateException("XDG_RUNTIME_DIR is not set: set it to a 0700 directory you own"
                    + " (nerdctl looks for $XDG_RUNTIME_DIR/bypass4netnsd.sock)");
        }
        return Path.of(dir, "bypass4netnsd.sock");
    }

    /** Listens on {@code socket} (mode 0600) and serves in background threads. */
    public synchronized void start(Path socket) throws IOException {
        if (server != null) {
            throw new IllegalStateException("bypassd already serves " + server.socket());
        }
        waiter = new ConnectWaiter("bypassd-connect-waiter");
        registry = new BypassRegistry(new SupervisedBypassFactory(waiter), log);
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
