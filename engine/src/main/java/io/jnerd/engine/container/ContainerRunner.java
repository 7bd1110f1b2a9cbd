package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.StateDirs;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.ImageFiles;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.engine.network.ContainerContext;
import io.jnerd.engine.network.KeeperNetwork;
import io.jnerd.engine.network.NetworkAttacher;
import io.jnerd.netns.FreePorts;
import io.jnerd.netns.PortMapping;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.Lease;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.containers.CreateContainerRequest;
import io.jnerd.proto.containerd.images.Image;
import io.jnerd.proto.containerd.runc.Options;
import io.jnerd.proto.containerd.snapshots.PrepareSnapshotRequest;
import io.jnerd.proto.containerd.tasks.CloseIORequest;
import io.jnerd.proto.containerd.tasks.CreateTaskRequest;
import io.jnerd.proto.containerd.tasks.KillRequest;
import io.jnerd.proto.containerd.tasks.ResizePtyRequest;
import io.jnerd.proto.containerd.tasks.StartRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code jnerd run}'s lifecycle: resolve and unpack the image, prepare the rootfs snapshot,
 * create the container and its task (stdio FIFOs, or a log file when detached), attach
 * the network, start, wait, and clean up. Every step that made something pushes its undo;
 * any failure runs them all, so a failed run leaves no snapshot, container or task.
 */
public final class ContainerRunner {
    public static final String SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
    static final String RUNC_OPTIONS_TYPE_URL = "containerd.runc.v1.Options";
    private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
    private static final long OUTPUT_DRAIN_MILLIS = 5000;

    private final Containerd containerd;
    private final RunConsole console;
    private final Path stateRoot;
    private final String snapshotter;
    private final Platform platform;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final ImageFetcher fetcher;
    private final String keeperMain;
    /**
     * Installed once the foreground task exists and kept until the whole clean-up is done: a
     * SIGTERM that arrives after the container ended (rm -f from elsewhere, then a supervisor
     * stopping jnerd) must not end the JVM halfway, leaving the network dir and driver behind.
     */
    private RunConsole.Forwarding signals = RunConsole.Forwarding.NONE;

    /** Gets an image that containerd does not have (from a registry); returns its stored name. */
    @FunctionalInterface
    public interface ImageFetcher {
        String fetch(String ref) throws IOException;
    }

    /**
     * @param keeperMain the class whose main runs {@code network-keeper} (the front door's
     *                   entry point: it parses the keeper's flags)
     */
    public ContainerRunner(Containerd containerd, RunConsole console, Path stateRoot, String snapshotter, Platform platform,
                           ImageFetcher fetcher, String keeperMain) {
        this.containerd = containerd;
        this.fetcher = fetcher;
        this.console = console;
        this.keeperMain = keeperMain;
        this.stateRoot = stateRoot;
        this.snapshotter = snapshotter;
        this.platform = platform;
    }

    /** What a run ended with: the container's ID, and its exit status (0 when detached: it still runs). */
    public record Result(String id, int status) {}

    /** A container made and not started: its record as containerd stored it, what its network knows of it, its rootfs mounts. */
    public record Created(Container container, ContainerContext context, List<Mount> rootfs) {
        public String id() {
            return container.getId();
        }
    }

    /** Runs the container: in the foreground until it exits, or detached until it started. */
    public Result run(RunSpec run) throws IOException, InterruptedException {
        if (run.tty() && run.interactive() && !run.detach()) {
            console.requireTerminal();
        }
        boolean succeeded = false;
        try {
            Created created = make(run);
            ContainerContext context = created.context();
            // A detached run ends before its container: a network that lives in a jnerd process, the
            // removal of --rm and the restarts of --restart are handed to the resident network keeper.
            boolean kept = run.detach() && (run.remove() || run.network().needsJnerdRunning()
                    || run.restart().name() != RestartPolicy.Name.NO);
            KeeperNetwork keeper = kept
                    ? new KeeperNetwork(run.network(), keeperMain, containerd.socket(), stateRoot, run.remove()) : null;
            NetworkAttacher network = keeper != null ? keeper : run.network();
            try (NetworkAttacher.Attachment prepared = network.prepare(context)) {
                int status = run.detach() ? startDetached(run, network, keeper, context, created.rootfs())
                        : runForeground(run, context, created.rootfs());
                succeeded = true;
                return new Result(created.id(), status);
            }
        } finally {
            if (!succeeded) {
                undoAll();
            }
            signals.close();
        }
    }

    /**
     * Makes the container without starting it (docker's create): image, user, ports chosen,
     * spec with its network's shape, snapshot, the containerd container and its labels. Its
     * start is {@link ContainerStarter}'s. Nothing is left when it fails.
     */
    public Created create(RunSpec run) throws IOException {
        boolean succeeded = false;
        try {
            Created created = make(run);
            succeeded = true;
            return created;
        } finally {
            if (!succeeded) {
                undoAll();
            }
            undo.clear();
        }
    }

    /** {@link #create}, leaving its undo steps pushed for a run that goes on to start it. */
    private Created make(RunSpec run) throws IOException {
        String id = newId();
        String name = run.name().orElse("jnerd-" + id.substring(0, 8));
        Containers containers = new Containers(containerd);
        if (run.name().isPresent() && containers.findByName(name).isPresent()) {
            throw new JnerdException("the container name \"" + name + "\" is already in use");
        }
        String hostname = run.hostname().orElse(id.substring(0, 12));
        ImageService images = new ImageService(containerd);
        ResolvedImage image = image(images, run);
        ProcessUser user = new UserResolver(new ImageFiles(new ContentStore(containerd), image)::read)
                .resolve(run.user().orElse(image.config().path("config").path("User").asText("")));
        Path stateDir = containers.stateDir(stateRoot, id);
        Path networkDir = Containers.networkDir(stateRoot, id);
        List<PortMapping> ports = new ArrayList<>();
        for (PortMapping p : run.ports()) {
            ports.add(FreePorts.resolve(p));
        }
        ContainerContext context = new ContainerContext(id, name, containerd.namespace(), hostname, stateDir, networkDir,
                ports);
        // A keeper's seccomp and configure are its mode's: the spec is the same either way.
        ObjectNode spec = SpecBuilder.build(image.config(), run, hostname, user, run.network().seccomp(run.seccomp(), context),
                "/" + containerd.namespace() + "/" + id);
        run.network().configure(spec, context);
        Files.createDirectories(stateDir);
        undo.push(() -> StateDirs.delete(stateDir));
        return createContainer(run, image, spec, context, images);
    }

    /** The image by --pull policy: "always" fetches, "missing" fetches when containerd lacks it, "never" does not. */
    private ResolvedImage image(ImageService images, RunSpec run) throws IOException {
        // One record read serves both the pull decision and the resolve.
        Optional<Image> present = images.get(ImageService.normalize(run.image()));
        if (run.pull() == RunSpec.PullPolicy.ALWAYS || (present.isEmpty() && run.pull() == RunSpec.PullPolicy.MISSING)) {
            return images.resolve(fetcher.fetch(run.image()), platform);
        }
        return present.isPresent() ? images.resolve(present.get(), platform) : images.resolve(run.image(), platform);
    }

    private Created createContainer(RunSpec run, ResolvedImage image, ObjectNode spec, ContainerContext context,
                                        ImageService images) {
        String id = context.id();
        try (Lease lease = containerd.newLease(LEASE_EXPIRY)) {
            Containerd c = lease.client();
            images.unpack(c, image, snapshotter);
            List<Mount> mounts = c.snapshots().prepare(PrepareSnapshotRequest.newBuilder()
                    .setSnapshotter(snapshotter).setKey(id).setParent(image.chainId()).build()).getMountsList();
            undo.push(() -> Containers.removeSnapshot(containerd, snapshotter, id));
            Container.Builder container = Container.newBuilder()
                    .setId(id)
                    .setImage(image.name())
                    .setSnapshotter(snapshotter)
                    .setSnapshotKey(id)
                    .setRuntime(runtime(run))
                    .setSpec(Any.newBuilder().setTypeUrl(SPEC_TYPE_URL).setValue(ByteString.copyFrom(Json.bytes(spec))))
                    .putAllLabels(run.labels())
                    .putLabels(ContainerLabels.NAME, context.name())
                    .putLabels(ContainerLabels.NETWORK, run.network().name())
                    .putLabels(ContainerLabels.NETWORK_FLAGS, String.join("\n", run.network().keeperFlags()));
            if (run.restart().name() != RestartPolicy.Name.NO) {
                container.putLabels(ContainerLabels.RESTART_POLICY, run.restart().toString());
            }
            if (run.detach()) {
                container.putLabels(ContainerLabels.LOG, context.stateDir().resolve("container.log").toString());
            }
            if (run.remove()) {
                container.putLabels(ContainerLabels.AUTO_REMOVE, "true");
            }
            if (run.interactive()) {
                container.putLabels(ContainerLabels.STDIN, run.stdinOnce() ? "once" : "open");
            }
            if (!context.ports().isEmpty()) {
                // Chosen before the network publishes them, so that what is shown is what is published.
                container.putLabels(ContainerLabels.PORTS, String.join(",",
                        context.ports().stream().map(PortMapping::toString).toList()));
            }
            // containerd answers with the record it stored (timestamps set): no Get needed after.
            Container created = c.containers().create(CreateContainerRequest.newBuilder().setContainer(container).build())
                    .getContainer();
            undo.push(() -> Containers.deleteContainer(containerd, id));
            return new Created(created, context, mounts);
        }
    }

    private static Container.Runtime runtime(RunSpec run) {
        Container.Runtime.Builder r = Container.Runtime.newBuilder().setName(run.runtime());
        if (run.runtimeBinary().isPresent()) {
            Options options = Options.newBuilder().setBinaryName(run.runtimeBinary().get()).build();
            r.setOptions(Any.newBuilder().setTypeUrl(RUNC_OPTIONS_TYPE_URL).setValue(options.toByteString()));
        }
        return r.build();
    }

    private int runForeground(RunSpec run, ContainerContext context, List<Mount> rootfs)
            throws IOException, InterruptedException {
        try (TaskIo io = TaskIo.create(context.stateDir(), run.interactive(), run.tty())) {
            io.start(console.in(), console.out(), console.err(), () -> closeStdin(context.id()));
            int pid = createTask(context.id(), rootfs, io.stdinPath(), io.stdoutPath(), io.stderrPath(), run.tty());
            boolean localTty = run.tty() && run.interactive();
            signals = console.forwardSignals(sig -> kill(context.id(), sig));
            try (NetworkAttacher.Attachment net = run.network().attach(context, pid);
                 RunConsole.RawTerminal local = localTty ? console.rawTerminal(size -> resize(context.id(), size))
                         : () -> { }) {
                startTask(context.id());
                int status = containerd.tasksUnbounded()
                        .wait(WaitRequest.newBuilder().setContainerId(context.id()).build()).getExitStatus();
                io.awaitOutput(OUTPUT_DRAIN_MILLIS);
                Containers.deleteTask(containerd, context.id());
                if (!run.remove()) {
                    Containers.recordExit(containerd, context.id(), status);
                }
                if (run.remove()) {
                    undoAll();
                } else {
                    StateDirs.delete(context.stateDir());
                    undo.clear();
                }
                return status;
            }
        }
    }

    /** @param keeper the keeper of {@code network}, or null when the network needs none (host, none) */
    private int startDetached(RunSpec run, NetworkAttacher network, KeeperNetwork keeper, ContainerContext context,
                              List<Mount> rootfs) throws IOException {
        String log = "file://" + context.stateDir().resolve("container.log");
        int pid = createTask(context.id(), rootfs, "", log, run.tty() ? "" : log, run.tty());
        NetworkAttacher.Attachment net = network.attach(context, pid);
        undo.push(net::close);
        startTask(context.id());
        if (keeper != null) {
            keeper.handOver();
        }
        undo.clear();
        return 0;
    }

    private int createTask(String id, List<Mount> rootfs, String stdin, String stdout, String stderr, boolean tty) {
        try {
            int pid = containerd.tasks().create(CreateTaskRequest.newBuilder().setContainerId(id).addAllRootfs(rootfs)
                    .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTerminal(tty).build()).getPid();
            undo.push(() -> Containers.killAndDeleteTask(containerd, id));
            return pid;
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

    private void resize(String id, int[] columnsRows) {
        try {
            containerd.tasks().resizePty(ResizePtyRequest.newBuilder().setContainerId(id)
                    .setWidth(columnsRows[0]).setHeight(columnsRows[1]).build());
        } catch (StatusRuntimeException e) {
            // Not started yet or already gone: the next resize or none at all.
        }
    }

    private void closeStdin(String id) {
        try {
            containerd.tasks().closeIO(CloseIORequest.newBuilder().setContainerId(id).setStdin(true).build());
        } catch (StatusRuntimeException e) {
            // The task is gone already: its stdin with it.
        }
    }

    private void kill(String id, int signal) {
        try {
            containerd.tasks().kill(KillRequest.newBuilder().setContainerId(id).setSignal(signal).build());
        } catch (StatusRuntimeException e) {
            // The task may be gone already; the wait reports how it ended.
        }
    }

    private void undoAll() {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                console.warn("cleanup: " + e.getMessage());
            }
        }
    }

    private static String newId() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
