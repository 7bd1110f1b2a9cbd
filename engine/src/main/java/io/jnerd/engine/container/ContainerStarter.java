package io.jnerd.engine.container;

import com.google.protobuf.FieldMask;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Json;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.containers.UpdateContainerRequest;
import io.jnerd.proto.containerd.snapshots.MountsRequest;
import io.jnerd.proto.containerd.tasks.CreateTaskRequest;
import io.jnerd.proto.containerd.tasks.StartRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.Mount;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code start} and {@code restart}: a new task on the container's snapshot and spec. Only
 * for a container whose network is all in its spec (none, host): the others' networks are
 * set up by {@code run} with a jnerd process alongside (keeper, bypass), which a start would
 * have to bring back; it refuses them in one line.
 */
public final class ContainerStarter {
    private static final int SIGTERM = io.jnerd.nativebindings.Signals.SIGTERM;
    private static final Set<String> RESTARTABLE_NETWORKS = Set.of("none", "host");
    private static final long OUTPUT_DRAIN_MILLIS = 2000;
    private final Containerd containerd;
    private final RunConsole console;
    private final Path stateRoot;

    public ContainerStarter(Containerd containerd, RunConsole console, Path stateRoot) {
        this.containerd = containerd;
        this.console = console;
        this.stateRoot = stateRoot;
    }

    /** Starts it in the background, output to its log (as {@code run -d}); a running one is left as it is. */
    public void start(Container c) {
        if (prepared(c)) {
            createDetached(c);
            startCreated(c);
        }
    }

    /**
     * The task {@link #start} makes, created but not started (the network keeper attaches the
     * container's network in between); its init's pid. The container must have no task.
     */
    public int createDetached(Container c) {
        Path stateDir = new Containers(containerd).stateDir(stateRoot, c.getId());
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new JnerdException("cannot create " + stateDir + ": " + e.getMessage(), e);
        }
        String log = log(c, stateDir);
        boolean tty = tty(c);
        return createTask(c, "", "file://" + log, tty ? "" : "file://" + log, tty);
    }

    /** Starts the task {@link #createDetached} made, recording when. */
    public void startCreated(Container c) {
        startTask(c.getId());
        String log = log(c, new Containers(containerd).stateDir(stateRoot, c.getId()));
        record(c.getId(), Map.of(ContainerLabels.LOG, log, ContainerLabels.STARTED_AT, Instant.now().toString()));
    }

    private static String log(Container c, Path stateDir) {
        return c.getLabelsMap().getOrDefault(ContainerLabels.LOG, stateDir.resolve("container.log").toString());
    }

    /** Starts it with its output on the console until it exits ({@code start -a}); its exit status. */
    public int startAttached(Container c) throws IOException, InterruptedException {
        if (!prepared(c)) {
            throw new JnerdException("container " + c.getId() + " is running already");
        }
        Path stateDir = new Containers(containerd).stateDir(stateRoot, c.getId());
        Files.createDirectories(stateDir);
        boolean tty = tty(c);
        try (TaskIo io = TaskIo.create(stateDir, false, tty)) {
            io.start(console.in(), console.out(), console.err(), () -> { });
            createTask(c, "", io.stdoutPath(), io.stderrPath(), tty);
            startTask(c.getId());
            record(c.getId(), Map.of(ContainerLabels.STARTED_AT, Instant.now().toString()));
            int status = containerd.tasksUnbounded().wait(WaitRequest.newBuilder().setContainerId(c.getId()).build())
                    .getExitStatus();
            io.awaitOutput(OUTPUT_DRAIN_MILLIS);
            Containers.deleteTask(containerd, c.getId());
            Containers.recordExit(containerd, c.getId(), status);
            return status;
        }
    }

    /** SIGTERM, SIGKILL after {@code timeoutSeconds}, then {@link #start}; refused before the stop when it could not start. */
    public void restart(Container c, int timeoutSeconds) {
        restartable(c);
        new Containers(containerd).stop(c.getId(), SIGTERM, timeoutSeconds);
        start(c);
    }

    private static void restartable(Container c) {
        String network = c.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "");
        if (!RESTARTABLE_NETWORKS.contains(network)) {
            throw new JnerdException("jnerd cannot start a container with --net=" + network
                    + " again yet (run sets its network up): only --net=none and --net=host ones");
        }
    }

    /** Whether a task is to be made: false when one runs; a stopped one is deleted first. */
    private boolean prepared(Container c) {
        restartable(c);
        Optional<Process> task = new Containers(containerd).task(c.getId());
        if (task.isPresent() && task.get().getStatus() != Status.STOPPED) {
            return false;
        }
        if (task.isPresent()) {
            Containers.recordExit(containerd, c.getId(), Containers.deleteTask(containerd, c.getId()));
        }
        return true;
    }

    private static boolean tty(Container c) {
        return Json.parse(c.getSpec().getValue().toByteArray(), "the spec of container " + c.getId())
                .path("process").path("terminal").asBoolean(false);
    }

    /** Sets these labels on the container, leaving its others as they are. */
    private void record(String id, Map<String, String> labels) {
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(k -> mask.addPaths("labels." + k));
        containerd.containers().update(UpdateContainerRequest.newBuilder()
                .setContainer(Container.newBuilder().setId(id).putAllLabels(labels)).setUpdateMask(mask).build());
    }

    private int createTask(Container c, String stdin, String stdout, String stderr, boolean tty) {
        List<Mount> rootfs = containerd.snapshots().mounts(MountsRequest.newBuilder()
                .setSnapshotter(c.getSnapshotter()).setKey(c.getSnapshotKey()).build()).getMountsList();
        try {
            return containerd.tasks().create(CreateTaskRequest.newBuilder().setContainerId(c.getId()).addAllRootfs(rootfs)
                    .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTerminal(tty).build()).getPid();
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }

    private void startTask(String id) {
        try {
            containerd.tasks().start(StartRequest.newBuilder().setContainerId(id).build());
        } catch (StatusRuntimeException e) {
            Containers.killAndDeleteTask(containerd, id);
            throw StartFailure.of(e);
        }
    }
}
