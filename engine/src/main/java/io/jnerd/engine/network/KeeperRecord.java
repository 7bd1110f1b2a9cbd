package io.jnerd.engine.network;

import io.jnerd.engine.JnerdException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How {@code jnerd stop} and {@code rm} see that the resident network keeper holds a detached
 * container's network: the keeper writes its pid and start time to {@value #FILE} in the
 * container's state dir while it holds it and removes it once it released it. The start time
 * tells the keeper from a process that got its pid after it died (pids are reused).
 */
public final class KeeperRecord {
    public static final String FILE = "network-keeper.pid";
    /** The keeper releases a container within a second or two of its exit (slirp4netns gets 2 s to stop). */
    private static final long POLL_MILLIS = 20;

    private KeeperRecord() {}

    /** Records the calling process as the keeper of the container whose state dir is {@code stateDir}. */
    static void writeSelf(Path stateDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Path tmp = stateDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, self.pid() + " " + startMillis(self) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, stateDir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void remove(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + stateDir.resolve(FILE), e);
        }
    }

    /** The keeper recorded in {@code stateDir}, if that process still runs. */
    public static Optional<ProcessHandle> find(Path stateDir) {
        String[] fields;
        try {
            fields = Files.readString(stateDir.resolve(FILE), StandardCharsets.UTF_8).trim().split(" ");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + stateDir.resolve(FILE), e);
        }
        if (fields.length != 2) {
            return Optional.empty();
        }
        long start = Long.parseLong(fields[1]);
        return ProcessHandle.of(Long.parseLong(fields[0])).filter(p -> startMillis(p) == start);
    }

    /**
     * Waits for the keeper to release the container whose state dir is {@code stateDir}: it
     * tears the network down and removes its record once the container's init exited and its
     * restart policy does not start it again, so callers tell it first
     * ({@link KeeperNetwork#stopping}) and stop the task. Returns at once when there is no record.
     *
     * @return whether the keeper may have left the network up: its record outlived it (it was
     *         killed outright), or it did not release the container within {@code timeout}
     */
    public static boolean awaitEnd(Path stateDir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Files.exists(stateDir.resolve(FILE))) {
            if (find(stateDir).isEmpty() || System.nanoTime() > deadline) {
                remove(stateDir);
                return true;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JnerdException("interrupted while waiting for the network keeper");
            }
        }
        return false;
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
