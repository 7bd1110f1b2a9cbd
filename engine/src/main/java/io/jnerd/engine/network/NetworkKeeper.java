package io.jnerd.engine.network;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resident network keeper ({@code jnerd network-keeper}): one process per user, per
 * containerd and state root ({@link KeeperSocket}), that holds the network of every detached
 * container whose mode needs a jnerd process ({@link KeptNetwork}), started by the first
 * detached run that needs it ({@link KeeperNetwork}) and gone once it holds nothing.
 *
 * <p>Each run talks to it over one connection to its socket (0600, in a 0700 dir; a peer of
 * another uid is refused by SO_PEERCRED), in lines:
 * <pre>
 *   run:    keep JSON          ({@link KeeperRequest})
 *   keeper: prepared           (the mode's prepare: /etc files, the bypass's agent socket)
 *   run:    attach PID         (task created; PID is the container's init)
 *   keeper: attached           (driver attached, ports published)
 *   run:    started            (task started: the network is the keeper's now)
 * </pre>
 * Instead of an answer the keeper may send {@code error MESSAGE} and close. End of input
 * before {@code started} means the run failed: the keeper tears down what it made, then
 * closes the connection. {@code stop NS ID} (jnerd stop, rm) is answered {@code ok}: the
 * container's next exit is its last. Anything else gets one {@code error} line.
 */
public final class NetworkKeeper {
    static final String KEEP = "keep ";
    static final String PREPARED = "prepared";
    static final String ATTACH = "attach ";
    static final String ATTACHED = "attached";
    static final String STARTED = "started";
    static final String STOP = "stop ";
    static final String OK = "ok";
    static final String ERROR = "error ";
    /** A client has this long to say what it wants. */
    private static final Duration FIRST_LINE = Duration.ofSeconds(30);
    /** A keeper started for a run that then died before it connected gives up after this. */
    private static final Duration IDLE_GRACE = Duration.ofSeconds(30);
    /** Connections beyond this (a flood from a same-uid process) are answered with an error and closed. */
    private static final int MAX_CONNECTIONS = 4096;
    private static final long THREAD_STACK = 256 * 1024;
    /** A keeper that left idle takes a moment to exit (and drop its claim) after removing its socket. */
    private static final Duration CLAIM_PATIENCE = Duration.ofSeconds(10);
    /** slirp4netns and pasta stop within a second of their exit fd closing; a bypass's DELETE is one request. */
    private static final Duration TEARDOWN_PATIENCE = Duration.ofSeconds(10);
    private static final Duration TEARDOWN_POLL = Duration.ofMillis(20);

    private final KeeperSocket socket;
    private final KeptTasks tasks;
    private final PrintStream log;
    private final HeldRecords records;
    private final Map<String, KeptNetwork> held = new ConcurrentHashMap<>();
    /** Open connections plus held containers: the keeper leaves when this is 0. */
    private final AtomicInteger busy = new AtomicInteger();
    private ServerSocketChannel server;
    /** Held (referenced) until the process ends. */
    private java.nio.channels.FileLock claim;

    /**
     * @param containerdSocket the containerd whose containers it keeps
     * @param stateRoot        jnerd's state root (its socket and log are under it)
     * @param tasks            what it asks containerd (restart, --rm, take-over)
     * @param log              its log
     */
    public NetworkKeeper(Path containerdSocket, Path stateRoot, KeptTasks tasks, PrintStream log) {
        this.socket = new KeeperSocket(containerdSocket, stateRoot);
        this.tasks = tasks;
        this.log = log;
        this.records = new HeldRecords(socket.held());
    }

    /** Serves until it holds nothing; 0, or 1 when another keeper already serves this socket. */
    public int serve() throws IOException {
        claim = socket.claim(CLAIM_PATIENCE).orElse(null);
        if (claim == null) {
            log("another keeper serves " + socket.socket());
            return 1;
        }
        Files.deleteIfExists(socket.socket());
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket.socket()));
        Files.setPosixFilePermissions(socket.socket(), PosixFilePermissions.fromString("rw-------"));
        log("serving " + socket.socket() + " (pid " + ProcessHandle.current().pid() + ")");
        takeOver();
        CompletableFuture.delayedExecutor(IDLE_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(this::leaveIfIdle);
        java.nio.file.attribute.UserPrincipal owner = Files.getOwner(socket.dir());
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException leaving) {
                log("holding nothing: exiting");
                claim.channel().close();
                return 0;
            }
            if (!samePeer(client, owner)) {
                client.close();
                continue;
            }
            if (busy.incrementAndGet() > MAX_CONNECTIONS) {
                refuse(client);
                continue;
            }
            spawn("keeper-connection", () -> serve(new KeeperChannel(client)));
        }
    }

    /** SO_PEERCRED: only this user's processes (the socket is 0600 too; a descriptor passed on is not). */
    private boolean samePeer(SocketChannel client, java.nio.file.attribute.UserPrincipal owner) {
        try {
            var peer = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            if (peer.user().getName().equals(owner.getName())) {
                return true;
            }
            log("refused a connection from user " + peer.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            log("refused a connection whose peer is unknown: " + e.getMessage());
        }
        return false;
    }

    private void refuse(SocketChannel client) {
        try (KeeperChannel c = new KeeperChannel(client)) {
            c.writeLine(ERROR + "the network keeper has too many connections");
        } catch (IOException ignored) {
            // It left already.
        } finally {
            release();
        }
    }

    private void serve(KeeperChannel client) {
        try (client) {
            String line = client.readLine(FIRST_LINE);
            if (line == null) {
                return;
            }
            if (line.startsWith(KEEP)) {
                keep(client, line.substring(KEEP.length()));
            } else if (line.startsWith(STOP)) {
                String[] nsId = line.substring(STOP.length()).split(" ", -1);
                KeptNetwork k = nsId.length == 2 ? held.get(key(nsId[0], nsId[1])) : null;
                if (k != null) {
                    k.stopRequested();
                }
                client.writeLine(OK);
            } else {
                client.writeLine(ERROR + "unknown request (expected keep or stop)");
            }
        } catch (IOException | RuntimeException e) {
            log("a connection: " + e.getMessage());
        } finally {
            release();
        }
    }

    /** One run's container, from its keep request until it stays stopped; the connection ends at {@code started}. */
    private void keep(KeeperChannel client, String json) throws IOException {
        KeptNetwork kept;
        try {
            kept = new KeptNetwork(KeeperRequest.parse(json), tasks, records, this::log);
        } catch (IllegalArgumentException e) {
            client.writeLine(ERROR + e.getMessage());
            return;
        }
        KeeperRequest r = kept.request();
        String key = key(r.namespace(), r.id());
        if (!claim(key, kept)) {
            client.writeLine(ERROR + "container " + r.id() + " is held already");
            return;
        }
        busy.incrementAndGet();
        boolean started = false;
        try {
            started = handshake(client, kept);
        } finally {
            if (!started) {
                kept.tearDown();
                kept.forget();
                held.remove(key);
                release();
            }
        }
        if (started) {
            client.close();
            try {
                kept.hold();
            } finally {
                held.remove(key);
                release();
            }
        }
    }

    /**
     * Takes {@code key} for {@code kept}. A container whose init just exited is still held
     * while its network is torn down: a start right after its wait returned (start, restart,
     * docker start) waits for that rather than failing.
     */
    private boolean claim(String key, KeptNetwork kept) {
        long deadline = System.nanoTime() + TEARDOWN_PATIENCE.toNanos();
        while (held.putIfAbsent(key, kept) != null) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(TEARDOWN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private boolean handshake(KeeperChannel client, KeptNetwork kept) throws IOException {
        try {
            kept.prepare();
            client.writeLine(PREPARED);
            String attach = client.readLine(null);
            if (attach == null || !attach.startsWith(ATTACH)) {
                log(kept.request().id() + ": its run ended before the task was created: tearing down");
                return false;
            }
            kept.attach(Long.parseLong(attach.substring(ATTACH.length())));
            client.writeLine(ATTACHED);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            log(kept.request().id() + ": failed: " + message);
            client.writeLine(ERROR + message.replace('\n', ' '));
            return false;
        }
        if (!STARTED.equals(client.readLine(null))) {
            log(kept.request().id() + ": its run failed after the network was attached: tearing down");
            return false;
        }
        return true;
    }

    /** The containers a killed keeper held, each taken over on a thread of its own. */
    private void takeOver() throws IOException {
        for (HeldRecords.Held h : records.list(this::log)) {
            KeptNetwork kept = new KeptNetwork(h.request(), tasks, records, this::log);
            String key = key(h.request().namespace(), h.request().id());
            held.put(key, kept);
            busy.incrementAndGet();
            spawn("keeper-takeover", () -> {
                try {
                    kept.takeOver(h.pid());
                } catch (IOException | RuntimeException e) {
                    log(h.request().id() + ": taking it over: " + e.getMessage());
                }
                try {
                    kept.hold();
                } finally {
                    held.remove(key);
                    release();
                }
            });
        }
    }

    private void release() {
        if (busy.decrementAndGet() == 0) {
            leaveIfIdle();
        }
    }

    /**
     * Removes the socket under the start lock, so a run that is connecting is answered by this
     * keeper or starts the next; then stops accepting (after the lock is let go: nobody can
     * connect to a removed socket).
     */
    private void leaveIfIdle() {
        if (!server.isOpen()) {
            return;
        }
        try {
            boolean leaving = socket.locked(() -> {
                if (busy.get() != 0 || !server.isOpen()) {
                    return false;
                }
                Files.deleteIfExists(socket.socket());
                return true;
            });
            if (leaving) {
                server.close();
            }
        } catch (IOException e) {
            log("leaving: " + e.getMessage());
        }
    }

    private static void spawn(String name, Runnable task) {
        new Thread(null, task, name, THREAD_STACK).start();
    }

    private static String key(String namespace, String id) {
        return namespace + " " + id;
    }

    private void log(String line) {
        synchronized (log) {
            log.println(Instant.now() + " network-keeper: " + line);
            log.flush();
        }
    }
}
