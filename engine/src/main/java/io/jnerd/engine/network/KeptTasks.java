package io.jnerd.engine.network;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the resident network keeper asks of containerd about a container it holds: the
 * engine's container package answers ({@code container.KeptContainers}), so that the
 * keeper decides nothing about containers itself.
 */
public interface KeptTasks {
    /**
     * The container's init ended and its network is down: records how it ended and decides
     * by its restart policy (and {@code --rm}).
     *
     * @param stoppedByUser {@code jnerd stop} or {@code rm} asked for it: never started again
     * @return the delay before the container is started again; empty: it stays stopped (and
     *         is removed when the request says so)
     */
    Optional<Duration> exited(KeeperRequest request, boolean stoppedByUser) throws IOException;

    /** A new task for the container (its log as before), not started; its init's pid. */
    long create(KeeperRequest request) throws IOException;

    /** Starts the task {@link #create} made. */
    void start(KeeperRequest request) throws IOException;

    /** The pid of the container's init while its task runs, empty otherwise (a keeper taking a container over asks). */
    OptionalLong runningInit(KeeperRequest request) throws IOException;

    /**
     * Stops the container because its network cannot be kept, saying why where {@code ps},
     * {@code inspect} and {@code logs} show it.
     */
    void stopBecause(KeeperRequest request, String reason) throws IOException;
}
