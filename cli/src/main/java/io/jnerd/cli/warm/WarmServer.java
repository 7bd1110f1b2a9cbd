package io.jnerd.cli.warm;

import io.jnerd.http.UnixSocketFiles;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The warm jnerd server: a JVM that keeps jnerd's classes loaded and compiled and runs the
 * short commands of one user that jnerd-client hands it (see {@link ServedCommands} for
 * which). Only the server's own uid may use it: the socket is 0600 in the user's state
 * folder, and a connection from another uid (SO_PEERCRED, fixed at connect) is closed before
 * one byte of it is read. It stops when idle for {@code idle}, when the jar it runs from is
 * replaced (the client then starts the new jar cold), or when {@link #stop} is called.
 */
public final class WarmServer {
    private static final int BACKLOG = 64;

    private final Path socket;
    private final Duration idle;
    private final Path jar;
    private final long jarModified;
    private final PrintStream log;
    private final long uid = ContainerdAddress.effectiveUid();
    private final SharedContainerd containerd = new SharedContainerd();
    private final SpareCommandLines trees = new SpareCommandLines();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile long lastUse = System.nanoTime();
    private volatile boolean stopping;
    private volatile boolean published;
    private Fd listener;

    public WarmServer(Path socket, Duration idle, Path jar, PrintStream log) {
        this.socket = socket;
        this.idle = idle;
        this.jar = jar;
        this.jarModified = modified(jar);
        this.log = log;
    }

    /** Listens, then serves until stopped; returns once the socket is gone. */
    public void serve() throws IOException {
        Files.createDirectories(socket.getParent());
        listener = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try {
            UnixSocketFiles.publish(socket, temporary -> Sockets.bind(listener, SockAddr.unix(temporary.toString())));
            published = true;
            Sockets.listen(listener, BACKLOG);
            Thread watchdog = new Thread(this::stopWhenIdle, "jnerd-warm-idle");
            watchdog.setDaemon(true);
            watchdog.start();
            log.println("jnerd cli-server: serving uid " + uid + "'s commands on " + socket);
            acceptLoop();
        } finally {
            if (published) {
                stop();
            }
            listener.close();
            awaitSessions();
            containerd.close();
        }
    }

    /**
     * Stops accepting and removes the socket (at once, not at the loop's end: by then a new
     * server may have published its own at the path); commands under way finish.
     */
    public synchronized void stop() {
        if (stopping || !published) {
            return;
        }
        stopping = true;
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.println("jnerd cli-server: " + e.getMessage());
        }
        try {
            // Makes a blocked accept(2) return (EINVAL), as closing the fd would not.
            Sockets.shutdown(listener, Sockets.SHUT_RDWR);
        } catch (SyscallException e) {
            log.println("jnerd cli-server: " + e.getMessage());
        }
    }

    private void acceptLoop() {
        while (!stopping) {
            Fd connection;
            try {
                connection = Sockets.accept(listener, Sockets.SOCK_CLOEXEC);
            } catch (SyscallException e) {
                if (!stopping) {
                    log.println("jnerd cli-server: accept: " + e.getMessage());
                }
                continue;
            }
            if (!sameUser(connection)) {
                connection.close();
                continue;
            }
            active.incrementAndGet();
            lastUse = System.nanoTime();
            Thread t = new Thread(() -> session(connection), "jnerd-warm-" + sessions.incrementAndGet());
            t.start();
        }
    }

    private void session(Fd connection) {
        try (connection) {
            boolean replaced = modified(jar) != jarModified;
            if (replaced) {
                log.println("jnerd cli-server: " + jar + " changed, stopping");
                stop();
            }
            new WarmSession(connection, containerd, trees).serve(stopping);
        } catch (IOException | RuntimeException e) {
            log.println("jnerd cli-server: a session failed: " + e);
        } finally {
            lastUse = System.nanoTime();
            active.decrementAndGet();
        }
    }

    /** Lets the commands under way end (a run's container, a logs -f): the process exits after. */
    private void awaitSessions() {
        while (active.get() > 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stopWhenIdle() {
        while (!stopping) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (modified(jar) != jarModified) {
                log.println("jnerd cli-server: " + jar + " changed, stopping");
                stop();
            } else if (active.get() == 0 && System.nanoTime() - lastUse > idle.toNanos()) {
                log.println("jnerd cli-server: idle for " + idle + ", stopping");
                stop();
            }
        }
    }

    /** SO_PEERCRED (struct ucred: pid, uid, gid) of the client is this server's effective uid. */
    private boolean sameUser(Fd connection) {
        try {
            int peer = ByteBuffer.wrap(Sockets.getOption(connection, Sockets.SOL_SOCKET, Sockets.SO_PEERCRED, 12))
                    .order(ByteOrder.nativeOrder()).getInt(4);
            return uid >= 0 && peer == uid;
        } catch (SyscallException e) {
            return false;
        }
    }

    private static long modified(Path file) {
        try {
            return file == null ? 0 : Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }
}
