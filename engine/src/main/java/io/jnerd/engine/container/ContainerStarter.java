package io.jnerd.engine.container;

import com.google.protobuf.FieldMask;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.engine.network.ContainerContext;
import io.jnerd.engine.network.KeeperNetwork;
import io.jnerd.engine.network.NetworkAttacher;
import io.jnerd.engine.network.NetworkAttachers;
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
 * {@code start} and {@code restart}: a new task on the container's snapshot and spec, with
 * its network made again as its create shaped it. A network that needs a jnerd process
 * (slirp4netns, pasta, bypass4netns) is handed to a network keeper ({@link KeeperNetwork}),
 * as {@code run -d} does; a starter made without a keeper's entry point refuses those
 * containers in one line and starts only none and host ones.
 */
public final class ContainerStarter {
    private static final int SIGTERM = io.jnerd.nativebindings.Signals.SIGTERM;
    private static final Set<String> SPEC_ONLY_NETWORKS = Set.of("none", "host");
    private static final long OUTPUT_DRAIN_MILLIS = 2000;
    private final Containerd containerd;
    private final RunConsole console;
    private final Path stateRoot;
    private final String keeperMain;
    private final BypassNetwork.Settings bypass;

    /** Starts none and host containers only (no network keeper to hand the others to). */
    public ContainerStarter(Containerd containerd, RunConsole console, Path stateRoot) {
        this(containerd, console, stateRoot, null, null);
    }

    /** Starts every container, handing the networks that need a jnerd process to the keeper run by {@code keeperMain}. */
    public ContainerStarter(Containerd containerd, RunConsole console, Path stateRoot, String keeperMain) {
        this(containerd, console, stateRoot, keeperMain, new BypassNetwork.Settings(List.of(), Optional.empty(), line -> { }));
    }

    /**
     * @param console where {@link #startAttached} copies output; null for a front door that brings its own stdio
     * @param keeperMain the class whose main runs {@code network-keeper}
     * @param bypass what a bypass4netns container's network uses (bypassd's socket)
     */
    public ContainerStarter(Containerd containerd, RunConsole console, Path stateRoot, String keeperMain,
                            BypassNetwork.Settings bypass) {
        this.containerd = containerd;
        this.console = console;
        this.stateRoot = stateRoot;
        this.keeperMain = keeperMain;
        this.bypass = bypass;
    }

    /** The stdio a task gets: FIFO paths or containerd's {@code file://} URIs; "" for none. */
    public record TaskStdio(String stdin, String stdout, String stderr) {}

    /** Starts it in the background, output to its log (as {@code run -d}); a running one is left as it is. */
    public void start(Container c) {
        if (!prepared(c)) {
            return;
        }
        String log = log(c);
        startTask(c, new TaskStdio("", "file://" + log, tty(c) ? "" : "file://" + log));
        record(c.getId(), Map.of(ContainerLabels.LOG, log, ContainerLabels.STARTED_AT, Instant.now().toString()));
    }

    /**
     * The task the network keeper makes to start a container it holds again ({@code
     * --restart}), created but not started: the keeper attaches the container's network in
     * between. Output to its log, as {@link #start(Container)}. Its init's pid; the container
     * must have no task.
     */
    public int createDetached(Container c) {
        String log = log(c);
        return createTask(c, new TaskStdio("", "file://" + log, tty(c) ? "" : "file://" + log));
    }

    /** Starts the task {@link #createDetached} made, recording when. */
    public void startCreated(Container c) {
        startTask(c.getId());
        record(c.getId(), Map.of(ContainerLabels.LOG, log(c), ContainerLabels.STARTED_AT, Instant.now().toString()));
    }

    private String log(Container c) {
        return c.getLabelsMap().getOrDefault(ContainerLabels.LOG, stateDir(c).resolve("container.log").toString());
    }

    /**
     * Starts it with {@code stdio} (made before, by the caller: the daemon's FIFOs): network
     * prepared, task created, network attached, task started, network handed to its keeper.
     * A failure undoes all of it and keeps docker's exit code for the failure on the
     * container (126, 127: moby's), then throws it.
     *
     * The caller records the start ({@link #recordStart}) once it watches the task.
     *
     * @param task its task as the caller just looked it up (one containerd call less per start)
     * @throws JnerdException when it runs already, or what the start failed with
     */
    public void start(Container c, Optional<Process> task, TaskStdio stdio) {
        if (!prepared(c, task)) {
            throw new JnerdException("container " + c.getId() + " is running already");
        }
        startTask(c, stdio);
    }

    /**
     * Keeps when the run {@link #start(Container, Optional, TaskStdio)} began and where its
     * output is logged (for {@code logs}; a container {@code jnerd run} ran in the foreground had
     * none). A run that ended and was removed (AutoRemove) meanwhile needs nothing kept.
     */
    public void recordStart(Container c, Path log) {
        try {
            record(c.getId(), Map.of(ContainerLabels.LOG, log.toString(), ContainerLabels.STARTED_AT,
                    Instant.now().toString()));
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    /** Starts it with its output on the console until it exits ({@code start -a}); its exit status. */
    public int startAttached(Container c) throws IOException, InterruptedException {
        if (!prepared(c)) {
            throw new JnerdException("container " + c.getId() + " is running already");
        }
        boolean tty = tty(c);
        try (TaskIo io = TaskIo.create(stateDir(c), false, tty)) {
            io.start(console.in(), console.out(), console.err(), () -> { });
            startTask(c, new TaskStdio("", io.stdoutPath(), io.stderrPath()));
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
        startable(c);
        new Containers(containerd).stopWithNetwork(c.getId(), SIGTERM, timeoutSeconds, stateRoot,
                bypass == null ? java.util.Optional.empty() : bypass.bypassdSocket());
        start(c);
    }

    private void startable(Container c) {
        if (keeperMain == null && !specOnlyNetwork(c)) {
            throw new JnerdException("jnerd cannot start a container with --net="
                    + c.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "")
                    + " again yet (run sets its network up): only --net=none and --net=host ones");
        }
    }

    /** Whether a task is to be made: false when one runs; a stopped one is deleted first. */
    private boolean prepared(Container c) {
        return prepared(c, new Containers(containerd).task(c.getId()));
    }

    private boolean prepared(Container c, Optional<Process> task) {
        startable(c);
        if (task.isPresent() && task.get().getStatus() != Status.STOPPED) {
            return false;
        }
        if (task.isPresent()) {
            Containers.deleteTask(containerd, c.getId()).ifPresent(status -> Containers.recordExit(containerd, c.getId(), status));
        }
        return true;
    }

    /** The container's state dir, made if a removal of its last run took it. */
    Path stateDir(Container c) {
        Path stateDir = new Containers(containerd).stateDir(stateRoot, c.getId());
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new JnerdException("cannot create " + stateDir + ": " + e.getMessage(), e);
        }
        return stateDir;
    }

    /** Whether its network is all in its spec (--net=none, host): no driver, network keeper or bypass holds it. */
    static boolean specOnlyNetwork(Container c) {
        return SPEC_ONLY_NETWORKS.contains(c.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, ""));
    }

    /** Whether its process gets a pseudo-terminal (docker's Tty), as its create decided. */
    public static boolean tty(Container c) {
        return spec(c).path("process").path("terminal").asBoolean(false);
    }

    /** Its hostname, as its create decided (the ID's first 12 characters unless given). */
    public static String hostname(Container c) {
        return spec(c).path("hostname").asText(c.getId().substring(0, Math.min(12, c.getId().length())));
    }

    private static com.fasterxml.jackson.databind.JsonNode spec(Container c) {
        return Json.parse(c.getSpec().getValue().toByteArray(), "the spec of container " + c.getId());
    }

    /** What the container's network knows of it, as its create decided (hostname in the spec, ports chosen). */
    private ContainerContext context(Container c) {
        String id = c.getId();
        return new ContainerContext(id, c.getLabelsMap().getOrDefault(ContainerLabels.NAME, ""), containerd.namespace(),
                hostname(c), stateDir(c), Containers.networkDir(stateRoot, id),
                Containers.publishedPorts(c));
    }

    /**
     * The mode its create recorded; one that needs a jnerd process, or a container with a
     * restart policy, is held by the resident network keeper (as {@code run -d} hands it).
     */
    private NetworkAttacher network(Container c) {
        String name = c.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "none");
        NetworkAttacher mode;
        try {
            mode = SPEC_ONLY_NETWORKS.contains(name) ? NetworkAttachers.of(name)
                    : NetworkAttachers.resolve(name, Map.of(), Map.of(), bypass);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        boolean restarts = c.getLabelsMap().containsKey(ContainerLabels.RESTART_POLICY);
        if (keeperMain == null || !(mode.needsJnerdRunning() || restarts)) {
            return mode;
        }
        // The flags its run gave the mode (bypass4netns's settings among them) make the same network again.
        String flags = c.getLabelsMap().get(ContainerLabels.NETWORK_FLAGS);
        return flags != null ? KeeperNetwork.forStart(List.of(flags.split("\n")), keeperMain, containerd.socket(), stateRoot)
                : new KeeperNetwork(mode, keeperMain, containerd.socket(), stateRoot, false);
    }

    /** Sets these labels on the container, leaving its others as they are. */
    private void record(String id, Map<String, String> labels) {
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(k -> mask.addPaths("labels." + k));
        containerd.containers().update(UpdateContainerRequest.newBuilder()
                .setContainer(Container.newBuilder().setId(id).putAllLabels(labels)).setUpdateMask(mask).build());
    }

    /**
     * Network prepared, task created and attached, started; on failure the task goes, the
     * network with it (closing the prepared keeper aborts it), and the exit code stays.
     */
    private void startTask(Container c, TaskStdio stdio) {
        ContainerContext context = context(c);
        NetworkAttacher network = network(c);
        boolean started = false;
        try (NetworkAttacher.Attachment prepared = network.prepare(context)) {
            int pid = createTask(c, stdio);
            try {
                try (NetworkAttacher.Attachment attached = network.attach(context, pid)) {
                    startTask(c.getId());
                    if (network instanceof KeeperNetwork keeper) {
                        keeper.handOver();
                    }
                    started = true;
                }
            } finally {
                if (!started) {
                    Containers.killAndDeleteTask(containerd, c.getId());
                }
            }
        } catch (IOException e) {
            throw new JnerdException("network of container " + c.getId() + ": " + e.getMessage(), e);
        } catch (JnerdException e) {
            if (e.exitCode() != io.jnerd.engine.ExitCodes.JNERD_ERROR) {
                Containers.recordExit(containerd, c.getId(), e.exitCode());
            }
            throw e;
        }
    }

    private int createTask(Container c, TaskStdio stdio) {
        List<Mount> rootfs = containerd.snapshots().mounts(MountsRequest.newBuilder()
                .setSnapshotter(c.getSnapshotter()).setKey(c.getSnapshotKey()).build()).getMountsList();
        try {
            return containerd.tasks().create(CreateTaskRequest.newBuilder().setContainerId(c.getId()).addAllRootfs(rootfs)
                    .setStdin(stdio.stdin()).setStdout(stdio.stdout()).setStderr(stdio.stderr()).setTerminal(tty(c))
                    .build()).getPid();
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }

    private void startTask(String id) {
        try {
            containerd.tasks().start(StartRequest.newBuilder().setContainerId(id).build());
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }
}
