package io.jnerd.engine.container;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.StateDirs;
import io.jnerd.engine.network.KeeperNetwork;
import io.jnerd.engine.network.KeeperRecord;
import io.jnerd.nativebindings.Signals;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.containers.DeleteContainerRequest;
import io.jnerd.proto.containerd.containers.GetContainerRequest;
import io.jnerd.proto.containerd.containers.ListContainersRequest;
import io.jnerd.proto.containerd.containers.UpdateContainerRequest;
import io.jnerd.proto.containerd.snapshots.RemoveSnapshotRequest;
import io.jnerd.proto.containerd.tasks.DeleteTaskRequest;
import io.jnerd.proto.containerd.tasks.GetRequest;
import io.jnerd.proto.containerd.tasks.GetResponse;
import io.jnerd.proto.containerd.tasks.KillRequest;
import io.jnerd.proto.containerd.tasks.ListTasksRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Finding and removing containers and their tasks, by ID, unique ID prefix or name. */
public final class Containers {
    /** A keeper tears down within a second or two once the init exited (slirp4netns gets 2 s to stop). */
    private static final java.time.Duration KEEPER_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** How long a delete that lost to another client's waits for that one to finish (shim shut down included). */
    private static final long RIVAL_DELETE_SECONDS = 15;
    private final Containerd containerd;
    /** The daemon's view of running tasks (null: ask containerd at each listing). */
    private final RunningTasks runningTasks;
    /** Each listed container's command, parsed once from its spec (12 KB of JSON) per version of the record. */
    private final Map<String, ParsedCommand> commands = new ConcurrentHashMap<>();

    public Containers(Containerd containerd) {
        this(containerd, null);
    }

    /** For a long-lived front door: listings take the running tasks from {@code runningTasks} when it is in step. */
    public Containers(Containerd containerd, RunningTasks runningTasks) {
        this.containerd = containerd;
        this.runningTasks = runningTasks;
    }

    private record ParsedCommand(Timestamp updatedAt, List<String> args) {}

    public List<Container> list() {
        return containerd.containers().list(ListContainersRequest.getDefaultInstance()).getContainersList();
    }

    /**
     * Every container with its state, newest first (as docker ps lists them): two containerd
     * calls, however many there are.
     */
    public List<ContainerSummary> summaries() {
        List<ContainerSummary> all = new ArrayList<>();
        List<Container> containers = list();
        if (containers.isEmpty()) {
            commands.clear();
            return all;
        }
        Map<String, Process> tasks = tasksOf(containers);
        Set<String> listed = new HashSet<>();
        for (Container c : containers) {
            listed.add(c.getId());
            all.add(ContainerSummary.of(c, Optional.ofNullable(tasks.get(c.getId())), command(c)));
        }
        commands.keySet().retainAll(listed);
        all.sort(java.util.Comparator.comparing(ContainerSummary::created).reversed());
        return all;
    }

    private List<String> command(Container c) {
        ParsedCommand known = commands.get(c.getId());
        if (known != null && known.updatedAt().equals(c.getUpdatedAt())) {
            return known.args();
        }
        List<String> args = ContainerSummary.command(c);
        commands.put(c.getId(), new ParsedCommand(c.getUpdatedAt(), args));
        return args;
    }

    /**
     * Their tasks by container ID. With {@link RunningTasks} in step: the running ones from
     * it, the others' looked up all at once (Tasks/Get of a container with no task does not
     * reach a shim). Otherwise one Tasks/List rather than a Tasks/Get per container.
     */
    private Map<String, Process> tasksOf(List<Container> containers) {
        Optional<Map<String, Process>> running = runningTasks == null ? Optional.empty() : runningTasks.now();
        Map<String, Process> tasks = new HashMap<>();
        if (running.isEmpty()) {
            for (Process task : containerd.tasks().list(ListTasksRequest.getDefaultInstance()).getTasksList()) {
                tasks.put(task.getId(), task);
            }
            return tasks;
        }
        tasks.putAll(running.get());
        Map<String, ListenableFuture<GetResponse>> looks = new HashMap<>();
        for (Container c : containers) {
            if (!tasks.containsKey(c.getId())) {
                looks.put(c.getId(), containerd.tasksFuture().get(GetRequest.newBuilder().setContainerId(c.getId()).build()));
            }
        }
        for (Map.Entry<String, ListenableFuture<GetResponse>> look : looks.entrySet()) {
            try {
                tasks.put(look.getKey(), look.getValue().get().getProcess());
            } catch (ExecutionException e) {
                // NotFound: no task. Anything else as one look alone would take it (a rival's delete included).
                if (!(e.getCause() instanceof StatusRuntimeException s && ContainerdErrors.isNotFound(s))) {
                    task(look.getKey()).ifPresent(t -> tasks.put(look.getKey(), t));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JnerdException("interrupted listing containers");
            }
        }
        return tasks;
    }

    public Optional<Container> findByName(String name) {
        for (Container c : list()) {
            if (name.equals(c.getLabelsMap().get(ContainerLabels.NAME))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The container with exactly this ID, if there is one. */
    public Optional<Container> get(String id) {
        try {
            return Optional.of(containerd.containers().get(GetContainerRequest.newBuilder().setId(id).build()).getContainer());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** docker's lookup: exact ID, then exact name, then a unique ID prefix. */
    public Container find(String idOrName) {
        Optional<Container> byId = get(idOrName);
        if (byId.isPresent()) {
            return byId.get();
        }
        Optional<Container> byName = findByName(idOrName);
        if (byName.isPresent()) {
            return byName.get();
        }
        List<Container> matches = new ArrayList<>();
        for (Container c : list()) {
            if (c.getId().startsWith(idOrName)) {
                matches.add(c);
            }
        }
        if (matches.size() > 1) {
            throw new JnerdException("multiple containers match the prefix " + idOrName + ": be more specific");
        }
        if (matches.isEmpty()) {
            throw new JnerdException("no such container: " + idOrName);
        }
        return matches.get(0);
    }

    /** The container's task (init process), or empty if it has none. */
    public Optional<Process> task(String id) {
        try {
            return taskNow(containerd, id);
        } catch (StatusRuntimeException e) {
            if (goneUnder(e, id)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<Process> taskNow(Containerd containerd, String id) {
        try {
            return Optional.of(containerd.tasks().get(GetRequest.newBuilder().setContainerId(id).build()).getProcess());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What the container publishes ({@code -p}, each host port as chosen), as its run recorded it. */
    public static List<PortMapping> publishedPorts(Container c) {
        return publishedPorts(c.getLabelsMap());
    }

    /** {@link #publishedPorts(Container)} from its labels (a {@link ContainerSummary}'s). */
    public static List<PortMapping> publishedPorts(Map<String, String> labels) {
        String recorded = labels.getOrDefault(ContainerLabels.PORTS, "");
        List<PortMapping> ports = new ArrayList<>();
        for (String p : recorded.isEmpty() ? new String[0] : recorded.split(",")) {
            ports.addAll(PortMappingParser.parse(p));
        }
        return ports;
    }

    /**
     * docker wait, in bounded steps (so a front door can notice its client left between them):
     * the task's exit status once it exited, empty while it still runs after {@code step}; for
     * a task that is gone, the status kept on the container (-1: it never ran).
     */
    public OptionalInt awaitExit(String id, Duration step) {
        Optional<Process> task = task(id);
        if (task.isPresent()) {
            try {
                return OptionalInt.of(containerd.tasksUnbounded().withDeadlineAfter(step.toMillis(), TimeUnit.MILLISECONDS)
                        .wait(WaitRequest.newBuilder().setContainerId(id).build()).getExitStatus());
            } catch (StatusRuntimeException e) {
                if (ContainerdErrors.isDeadlineExceeded(e)) {
                    return OptionalInt.empty();
                }
                if (!ContainerdErrors.isNotFound(e)) {
                    throw e;
                }
                // deleted meanwhile (stop, a -d run's keeper): its status is on the container now
            }
        }
        return OptionalInt.of(get(id).map(c -> ContainerSummary.of(c, Optional.empty()).exitCode()).orElse(-1));
    }

    public static boolean isRunning(Optional<Process> task) {
        return task.isPresent() && (task.get().getStatus() == Status.RUNNING || task.get().getStatus() == Status.PAUSED
                || task.get().getStatus() == Status.CREATED);
    }

    /** SIGTERM (or {@code signal}), then SIGKILL after {@code timeoutSeconds}; deletes the task. */
    public void stop(String id, int signal, int timeoutSeconds) {
        Optional<Process> task = task(id);
        if (task.isEmpty()) {
            return;
        }
        if (task.get().getStatus() != Status.STOPPED) {
            kill(id, signal);
            if (!exitedWithin(id, Math.max(1, timeoutSeconds))) {
                kill(id, Signals.SIGKILL);
                try {
                    containerd.tasks().wait(WaitRequest.newBuilder().setContainerId(id).build());
                } catch (StatusRuntimeException e) {
                    if (!ContainerdErrors.isNotFound(e) && !goneUnder(e, id)) {
                        throw e;
                    }
                }
            }
        }
        deleteTask(containerd, id).ifPresent(status -> recordExit(containerd, id, status));
    }

    /**
     * Whether the task exited in time; any failure of the wait counts as not (the caller kills
     * it then). A task that is gone has exited: another client (the daemon's exit watcher, a
     * foreground {@code run --rm}) saw the exit first and deleted it while our kill was under way.
     */
    private boolean exitedWithin(String id, int seconds) {
        try {
            containerd.tasksUnbounded().withDeadlineAfter(seconds, TimeUnit.SECONDS)
                    .wait(WaitRequest.newBuilder().setContainerId(id).build());
            return true;
        } catch (StatusRuntimeException e) {
            return ContainerdErrors.isNotFound(e);
        }
    }

    /**
     * Tells the network keeper that the container stops for good, {@link #stop}, then waits for
     * the keeper of a detached run to tear the
     * container's network down (it does once the init exited), so nothing of it is left when
     * {@code jnerd stop} or {@code rm} returns. A keeper that was killed before its tear-down
     * leaves pasta running (slirp4netns ends with it) and its bypass registered with bypassd:
     * both are ended here.
     *
     * @param bypassdSocket where a bypassd the keeper may have used listens
     */
    public void stopWithNetwork(String id, int signal, int timeoutSeconds, Path stateRoot,
            Optional<Path> bypassdSocket) {
        // First, so that the keeper does not start it again by its restart policy.
        KeeperNetwork.stopping(containerd.socket(), stateRoot, containerd.namespace(), id);
        stop(id, signal, timeoutSeconds);
        if (!KeeperRecord.awaitEnd(stateDir(stateRoot, id), KEEPER_TIMEOUT)) {
            return;
        }
        try {
            io.jnerd.netns.ContainerNetworks.stopLeftoverDriver(networkDir(stateRoot, id));
        } catch (IOException e) {
            throw new JnerdException("stopping the network driver its killed keeper left: " + e.getMessage(), e);
        }
        bypassdSocket.filter(Files::exists).ifPresent(socket -> {
            try {
                new io.jnerd.netns.bypassd.BypassClient(socket).stop(id);
            } catch (IOException notRegistered) {
                // Not a bypass4netns container, or bypassd dropped it already.
            }
        });
    }

    /**
     * Removes every container that is not running (created or exited), as {@code rm} would;
     * their IDs. One that starts meanwhile is left alone.
     */
    public List<String> pruneStopped(Path stateRoot, Optional<Path> bypassdSocket) {
        List<String> removed = new ArrayList<>();
        for (Container c : list()) {
            if (!isRunning(task(c.getId()))) {
                stopWithNetwork(c.getId(), Signals.SIGKILL, 10, stateRoot, bypassdSocket);
                remove(c, stateRoot);
                removed.add(c.getId());
            }
        }
        return removed;
    }

    /** Sends {@code signal} to the container's processes (docker kill); a task that is gone or stopped gets nothing. */
    public void kill(String id, int signal) {
        // "all" makes runc signal every process of the container's cgroup; a rootless
        // container has none (no delegation without systemd) and runc fails with
        // "lstat : no such file or directory". Its own pid namespace ends with its init.
        boolean all = io.jnerd.proto.ContainerdAddress.isRoot();
        try {
            containerd.tasks().kill(KillRequest.newBuilder().setContainerId(id).setSignal(signal).setAll(all).build());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e) && e.getStatus().getCode() != io.grpc.Status.Code.FAILED_PRECONDITION
                    && !goneUnder(e, id)) {
                throw e;
            }
        }
    }

    /**
     * docker's rm: a running container only with {@code force} (then killed, its network
     * torn down), then {@link #remove removed}.
     *
     * @param ref how the caller named it, for the error
     * @throws JnerdException when it runs and {@code force} is not given
     */
    public void rm(Container c, String ref, boolean force, Path stateRoot, Optional<Path> bypassdSocket) {
        if (!force && isRunning(task(c.getId()))) {
            throw new JnerdException("container " + ref + " is running: stop it first or use rm -f");
        }
        stopWithNetwork(c.getId(), Signals.SIGKILL, 10, stateRoot, bypassdSocket);
        remove(c, stateRoot);
    }

    /**
     * Removes the container, its snapshot and jnerd's state for it (also a network dir that a
     * keeper killed before its tear-down left); its task must be gone.
     */
    public void remove(Container c, Path stateRoot) {
        deleteContainer(containerd, c.getId());
        removeSnapshot(containerd, c.getSnapshotter(), c.getSnapshotKey());
        StateDirs.delete(stateDir(stateRoot, c.getId()));
        StateDirs.delete(networkDir(stateRoot, c.getId()));
    }

    /** A directory jnerd owns for the container: stdio FIFOs, the -d log, the network keeper's record and log. */
    Path stateDir(Path stateRoot, String id) {
        return stateRoot.resolve(containerd.namespace()).resolve(id);
    }

    /**
     * The network driver's files: short, since unix socket paths must fit in 108 bytes
     * (sun_path), which the state dir with a 64-hex container ID may not leave room for.
     */
    static Path networkDir(Path stateRoot, String id) {
        return stateRoot.resolve("net").resolve(id.substring(0, 16));
    }

    /**
     * Keeps the exit status on the container (its task is deleted, and with it containerd's
     * record). A container that is gone (removed meanwhile by the keeper of {@code run -d --rm})
     * needs none.
     */
    static void recordExit(Containerd containerd, String id, int status) {
        try {
            containerd.containers().update(UpdateContainerRequest.newBuilder()
                    .setContainer(Container.newBuilder().setId(id)
                            .putLabels(ContainerLabels.EXIT_CODE, Integer.toString(status)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.EXIT_CODE))
                    .build());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    /**
     * Deletes the task; its exit status, or none when another client deleted it first (the
     * status is then theirs to keep: recording ours too could overwrite theirs).
     */
    static OptionalInt deleteTask(Containerd containerd, String id) {
        try {
            return OptionalInt.of(containerd.tasks().delete(DeleteTaskRequest.newBuilder().setContainerId(id).build())
                    .getExitStatus());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e) && !deletedMeanwhile(containerd, id)) {
                throw e;
            }
            return OptionalInt.empty();
        }
    }

    /**
     * Whether another client deleted the task while we did: {@code rm -f} of a container
     * whose foreground {@code run --rm} (or the daemon's exit watcher) sees the kill too and
     * deletes it at the same time. The loser's delete then fails with the shim's connection
     * closing under it ("ttrpc: closed", UNKNOWN), not with NotFound; once the winner is done
     * the task is gone. The winner's delete also waits for the shim to shut down, which on a
     * loaded machine took longer than a second (docker restart failed with "ttrpc: closed").
     */
    private static boolean deletedMeanwhile(Containerd containerd, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RIVAL_DELETE_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                if (taskNow(containerd, id).isEmpty()) {
                    return true;
                }
            } catch (StatusRuntimeException stillClosing) {
                // the shim's connection closing under this look too: look again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Whether a call about the task failed because another client deleted it meanwhile: a
     * get, kill or wait that reaches the shim while the rival's delete shuts it down fails with
     * "ttrpc: closed" (UNKNOWN) rather than NotFound; the task is gone once the rival is done.
     */
    private boolean goneUnder(StatusRuntimeException e, String id) {
        return e.getStatus().getCode() == io.grpc.Status.Code.UNKNOWN && deletedMeanwhile(containerd, id);
    }

    static void killAndDeleteTask(Containerd containerd, String id) {
        new Containers(containerd).stop(id, Signals.SIGKILL, 10);
    }

    static void deleteContainer(Containerd containerd, String id) {
        try {
            containerd.containers().delete(DeleteContainerRequest.newBuilder().setId(id).build());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    static void removeSnapshot(Containerd containerd, String snapshotter, String key) {
        if (key.isEmpty()) {
            return;
        }
        try {
            containerd.snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

}
