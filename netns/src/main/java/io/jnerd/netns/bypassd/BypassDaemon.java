package io.jnerd.netns.bypassd;

import io.jnerd.http.ServerLimits;
import io.jnerd.http.UnixHttpServer;
import io.jnerd.nativebindings.Fd;
import io.jnerd.netns.bypass.ConnectWaiter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code jnerd bypassd}: the bypass4netnsd REST API on a unix socket. Each POSTed bypass is a
 * seccomp agent socket plus a supervisor running the socket switcher
 * ({@link SupervisedBypassFactory}). The CLI calls {@link #run(Path)} (blocks until
 * {@link #close()} or {@link #detach()}), or {@link #start(Path)} to serve in the background.
 *
 * <p>A restart keeps the containers' bypasses: each bypass's state is persisted next to the
 * socket ({@link BypassStateFiles}) and each container's listener kept outside the daemon
 * ({@link ListenerStore}: systemd's fd store when the daemon is a systemd service, else the
 * {@link FdHolder}). {@link #detach()} (SIGTERM) leaves both; a daemon that is killed leaves
 * them too. The next {@link #start} takes every bypass over before it serves the API.
 */
public final class BypassDaemon implements AutoCloseable {

    /** Connections served at once; more get a 503 (clients make one request at a time). */
    public static final int MAX_CONNECTIONS = 32;

    private final Consumer<String> log;
    private final List<Path> clientDirs;
    private final Map<String, String> env;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConnectWaiter waiter;
    private ListenerStore store;
    private BypassStateFiles states;
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
        this(log, moreClientDirs, System.getenv());
    }

    /**
     * @param moreClientDirs where else clients may put agent sockets and pid files (jnerd's state dir)
     * @param env            the process's environment: systemd's NOTIFY_SOCKET, LISTEN_FDS and friends
     */
    public BypassDaemon(Consumer<String> log, List<Path> moreClientDirs, Map<String, String> env) {
        this.log = log;
        this.clientDirs = List.copyOf(moreClientDirs);
        this.env = Map.copyOf(env);
    }

    /** Takes over the bypasses a previous daemon on {@code socket} left, then listens (mode 0600) in background threads. */
    public synchronized void start(Path socket) throws IOException {
        if (server != null) {
            throw new IllegalStateException("bypassd already serves " + server.socket());
        }
        List<Path> dirs = new ArrayList<>();
        dirs.add(socket.toAbsolutePath().getParent());
        dirs.addAll(clientDirs);
        states = BypassStateFiles.forSocket(socket);
        SystemdFdStore systemd = SystemdFdStore.of(env);
        store = systemd != null ? systemd : FdHolderStore.in(states.dir());
        waiter = new ConnectWaiter("bypassd-connect-waiter");
        registry = new BypassRegistry(new SupervisedBypassFactory(waiter, store, states), ClientPaths.under(dirs), log);
        try {
            takeOver(states);
            server = UnixHttpServer.start(socket, new BypassApi(registry), ServerLimits.defaults(MAX_CONNECTIONS), log);
        } catch (IOException | RuntimeException e) {
            registry.detach();
            waiter.close();
            store.close();
            throw e;
        }
        log.accept("bypassd listening on " + server.socket());
        if (systemd != null) {
            systemd.ready();
        }
    }

    /**
     * Serves again every bypass the state dir names with the listeners the store kept. A
     * listener no bypass claims (its state was never written, or was refused) is closed and
     * forgotten; a bypass whose state is refused is logged and not served.
     */
    private void takeOver(BypassStateFiles states) throws IOException {
        Map<String, Fd> kept = new java.util.LinkedHashMap<>(store.takeAll());
        try {
            for (BypassState state : states.readAll(log)) {
                try {
                    registry.resume(state, kept);
                } catch (BypassException e) {
                    log.accept("bypassd: bypass " + state.spec().id() + " not taken over: " + e.getMessage());
                    states.delete(state.spec().id());
                }
            }
        } finally {
            for (Map.Entry<String, Fd> orphan : kept.entrySet()) {
                orphan.getValue().close();
                try {
                    store.forget(orphan.getKey());
                } catch (IOException e) {
                    log.accept("bypassd: " + e.getMessage());
                }
            }
        }
    }

    /** Serves on {@code socket} until {@link #close()} or {@link #detach()} is called (from another thread or a signal handler). */
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

    /**
     * Stops serving for a restart (SIGTERM, an upgrade): the API socket goes, every bypass
     * stops serving, but their state and kept listeners stay for the next daemon, and the
     * containers' notified calls wait for it in the kernel.
     */
    public synchronized void detach() throws IOException {
        stop(true);
    }

    /** Stops serving, stops every bypass for good (their containers' notified calls fail) and removes the socket. */
    @Override
    public synchronized void close() throws IOException {
        stop(false);
    }

    private void stop(boolean forRestart) throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (registry != null) {
                if (forRestart) {
                    registry.detach();
                } else {
                    registry.close();
                }
            }
            if (waiter != null) {
                waiter.close();
            }
            if (store != null) {
                store.close();
            }
            stopped.countDown();
        }
    }
}
