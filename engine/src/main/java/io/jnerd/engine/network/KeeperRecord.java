package io.jnerd.engine.network;

import io.jnerd.engine.JnerdException;
import io.jnerd.nativebindings.SyscallException;
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
 * How {@code jnerd stop} and {@code rm} find a detached container's network keeper: the
 * keeper writes its pid and start time to {@value #FILE} in the container's state dir and
 * removes it when it is done. The start time tells the keeper from a process that got its
 * pid after it died (pids are reused).
 */
public final class KeeperRecord {
    public static final String FILE = "network-keeper.pid";
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

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
     * Waits for the keeper of the container whose state dir is {@code stateDir} to end: it
     * tears the network down and exits by itself once the container's init exited, so callers
     * stop the task first. A keeper still there after {@code timeout} gets SIGTERM (which
     * also makes it tear down), then SIGKILL. Returns at once when there is no keeper.
     *
     * @return whether the keeper may have left its network up: its record outlived it (it
     *         was killed outright), or it had to be killed here
     */
    public static boolean awaitEnd(Path stateDir, Duration timeout) {
        boolean recorded = Files.exists(stateDir.resolve(FILE));
        Optional<ProcessHandle> keeper = find(stateDir);
        boolean endedByItself = true;
        if (keeper.isPresent()) {
            try {
                Optional<ProcessExit> exit = ProcessExit.of(keeper.get().pid());
                if (exit.isPresent()) {
                    try (ProcessExit e = exit.get()) {
                        endedByItself = awaitEnd(keeper.get(), e, timeout);
                    }
                }
            } catch (SyscallException e) {
                throw new JnerdException("waiting for the network keeper (pid " + keeper.get().pid() + "): "
                        + e.getMessage(), e);
            }
        }
        remove(stateDir);
        return recorded && (keeper.isEmpty() || !endedByItself);
    }

    /** @return whether it ended without being signalled */
    private static boolean awaitEnd(ProcessHandle keeper, ProcessExit exit, Duration timeout) throws SyscallException {
        if (exit.await(timeout)) {
            return true;
        }
        keeper.destroy();
        if (!exit.await(timeout)) {
            keeper.destroyForcibly();
            exit.await(KILL_GRACE);
        }
        return false;
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
