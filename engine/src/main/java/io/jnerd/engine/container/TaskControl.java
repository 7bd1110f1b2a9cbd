package io.jnerd.engine.container;

import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.JnerdException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.tasks.KillRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.time.Duration;
import java.util.Optional;

/** Signals to a container's init ({@code kill}) and waiting for its end ({@code wait}). */
public final class TaskControl {
    /** A detached container's keeper records the exit status right after it deleted the task. */
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(10);
    private final Containerd containerd;

    public TaskControl(Containerd containerd) {
        this.containerd = containerd;
    }

    /**
     * Sends {@code signal} to the container's init, as docker kill does (not to the other
     * processes: they end with the init's pid namespace).
     *
     * @throws JnerdException when the container is not running
     */
    public void kill(Container c, int signal) {
        Optional<Process> task = new Containers(containerd).task(c.getId());
        if (task.isEmpty() || task.get().getStatus() == Status.STOPPED) {
            throw new JnerdException(1, "cannot kill container " + c.getId() + ": it is not running", null);
        }
        try {
            containerd.tasks().kill(KillRequest.newBuilder().setContainerId(c.getId()).setSignal(signal).build());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                throw new JnerdException(1, "cannot kill container " + c.getId() + ": it is not running", e);
            }
            throw e;
        }
    }

    /**
     * Blocks until the container's init exited; its exit status. One that exited before
     * answers at once with the status it recorded.
     *
     * @throws JnerdException for a container that was never started
     */
    public int await(Container c) throws InterruptedException {
        Containers containers = new Containers(containerd);
        if (containers.task(c.getId()).isPresent()) {
            try {
                return containerd.tasksUnbounded().wait(WaitRequest.newBuilder().setContainerId(c.getId()).build())
                        .getExitStatus();
            } catch (StatusRuntimeException e) {
                if (!ContainerdErrors.isNotFound(e)) {
                    throw e;
                }
                // Deleted under the wait (the keeper of -d): it records the status next.
            }
        }
        long deadline = System.nanoTime() + RECORD_TIMEOUT.toNanos();
        while (true) {
            Optional<Container> now = containers.get(c.getId());
            if (now.isEmpty()) {
                throw new JnerdException(1, "container " + c.getId() + " was removed before its exit status was read", null);
            }
            String recorded = now.get().getLabelsMap().get(ContainerLabels.EXIT_CODE);
            if (recorded != null) {
                return Integer.parseInt(recorded);
            }
            if (containers.task(c.getId()).isEmpty() && System.nanoTime() > deadline) {
                throw new JnerdException(1, "container " + c.getId() + " has not been started", null);
            }
            Thread.sleep(100);
        }
    }
}
