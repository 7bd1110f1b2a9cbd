package io.jnerd.netns.bypassd;

import io.jnerd.netns.http.UnixHttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code jnerd bypassd}: the bypass4netnsd REST API on a unix socket, in front of a
 * {@link BypassRegistry}. The CLI calls {@link #run(Path)} (blocks until {@link #close()}),
 * or {@link #start(Path)} to serve in the background.
 */
public final class BypassDaemon implements AutoCloseable {

    /** Connections served at once; more get a 503 (clients make one request at a time). */
    public static final int MAX_CONNECTIONS = 32;

    private final BypassRegistry registry;
    private final Consumer<String> log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private UnixHttpServer server;

    /** A daemon whose bypasses hand agent connections to {@code handler} (the seccomp supervisor). */
    public BypassDaemon(AgentConnectionHandler handler, Consumer<String> log) {
        this(new BypassRegistry(new AgentSocketBypassFactory(handler), log), log);
    }

    private BypassDaemon(BypassRegistry registry, Consumer<String> log) {
        this.registry = registry;
        this.log = log;
    }

    /** A daemon whose bypasses come from {@code factory} instead of agent sockets. */
    public static BypassDaemon withFactory(BypassFactory factory, Consumer<String> log) {
        return new BypassDaemon(new BypassRegistry(factory, log), log);
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
        server = UnixHttpServer.start(socket, new BypassApi(registry), MAX_CONNECTIONS, log);
        log.accept("bypassd listening on " + server.socket());
    }

    /** Serves on {@code socket} until {@link #close()} is called (from another thread or a shutdown hook). */
    public void run(Path socket) throws IOException, InterruptedException {
        start(socket);
        stopped.await();
    }

    public BypassRegistry registry() {
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
            registry.close();
            stopped.countDown();
        }
    }
}
