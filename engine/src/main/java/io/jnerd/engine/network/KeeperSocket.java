package io.jnerd.engine.network;

import io.jnerd.engine.JnerdException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the resident network keeper of one containerd (by its socket) and one jnerd state
 * root lives: {@code STATE_ROOT/keeper/KEY.sock} (0600 in a 0700 dir), its log
 * {@code KEY.log}, its start lock {@code KEY.lock}, and {@code KEY.held/} with a record per
 * container it holds. KEY is a short hash of the containerd socket: two containerds under
 * one state root get a keeper each.
 *
 * <p>The start lock orders "a client connects and is answered" against "an idle keeper
 * removes its socket and exits": a client connects and reads the keeper's first answer
 * while holding it, a keeper gives up only while holding it with nothing held, so a client
 * never reaches a keeper that is leaving.
 */
final class KeeperSocket {
    /** A JVM start on a loaded machine with 8 builds running takes a few seconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final long START_POLL_MILLIS = 20;
    /** FileChannel locks are per JVM: threads of one (jnerd daemon) take turns here first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path dir;
    private final String key;

    KeeperSocket(Path containerdSocket, Path stateRoot) {
        this.dir = stateRoot.resolve("keeper");
        this.key = key(containerdSocket);
    }

    Path dir() {
        return dir;
    }

    Path socket() {
        return dir.resolve(key + ".sock");
    }

    Path log() {
        return dir.resolve(key + ".log");
    }

    Path held() {
        return dir.resolve(key + ".held");
    }

    /** Something that runs with a connection while the start lock is held. */
    @FunctionalInterface
    interface Step<T> {
        T run(KeeperChannel keeper) throws IOException;
    }

    /**
     * Connects to the keeper, starting {@code command} (setsid'd, its output to the log) when
     * none answers, and runs {@code first} on the connection under the start lock.
     */
    <T> T connect(List<String> command, Step<T> first) throws IOException {
        return locked(() -> {
            Optional<SocketChannel> running = tryConnect();
            SocketChannel channel = running.isPresent() ? running.get() : start(command);
            KeeperChannel keeper = new KeeperChannel(channel);
            try {
                return first.run(keeper);
            } catch (IOException | RuntimeException e) {
                keeper.close();
                throw e;
            }
        });
    }

    /** The running keeper, if one answers; never starts one. */
    Optional<KeeperChannel> connectIfRunning() throws IOException {
        return tryConnect().map(KeeperChannel::new);
    }

    /** Runs {@code step} holding the start lock (the keeper's side: give up when idle). */
    <T> T locked(IoSupplier<T> step) throws IOException {
        createDir();
        IN_PROCESS.lock();
        try (FileChannel lock = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock held = lock.lock()) {
            return step.get();
        } finally {
            IN_PROCESS.unlock();
        }
    }

    /**
     * The keeper's own lock, held for its whole life (the kernel drops it when it dies, also
     * of SIGKILL): at most one keeper binds the socket and takes the held containers over.
     * Waits {@code patience} for a keeper that is leaving; empty when another keeps it.
     */
    Optional<FileLock> claim(Duration patience) throws IOException {
        createDir();
        FileChannel alive = FileChannel.open(dir.resolve(key + ".alive"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            FileLock lock = alive.tryLock();
            if (lock != null) {
                return Optional.of(lock);
            }
            if (System.nanoTime() > deadline) {
                alive.close();
                return Optional.empty();
            }
            try {
                Thread.sleep(START_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                alive.close();
                return Optional.empty();
            }
        }
    }

    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    void createDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another run made it meanwhile.
            }
        }
        // Whatever made it, only this user may reach the socket and the held records.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    Optional<SocketChannel> tryConnect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket()));
            return Optional.of(channel);
        } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) {
            // No socket, or one whose keeper is gone (ECONNREFUSED).
            channel.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private SocketChannel start(List<String> command) throws IOException {
        Process watcher = new ProcessBuilder(command).directory(new java.io.File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SocketChannel> channel = tryConnect();
            if (channel.isPresent()) {
                return channel.get();
            }
            if (!watcher.isAlive()) {
                throw new JnerdException("the network keeper exited (" + watcher.exitValue() + "): " + lastLine());
            }
            try {
                Thread.sleep(START_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JnerdException("interrupted while starting the network keeper");
            }
        }
        throw new JnerdException("the network keeper did not listen within " + START_TIMEOUT.toSeconds() + " s (see "
                + log() + ")");
    }

    String lastLine() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return lines.isEmpty() ? "(no output in " + log() + ")" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String key(Path containerdSocket) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(containerdSocket.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
