package io.jnerd.engine.container;

import io.grpc.StatusRuntimeException;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.tasks.CloseIORequest;
import io.jnerd.proto.containerd.tasks.ResizePtyRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.task.Process;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lifecycle of the containers a long-running front door (the Docker API daemon) starts:
 * it owns their stdio (FIFOs copied to the log and to attached clients, {@link AttachedRun}),
 * watches each started task until it exits (then deletes it, keeps its exit status, removes
 * an AutoRemove container with its network), and reports what happened ({@link Events}).
 * Networks go to network keepers, as {@code run -d}'s do ({@link ContainerStarter}).
 */
public final class ContainerSupervisor {
    /** How long the output of an exited task may still be read from its FIFOs. */
    private static final long OUTPUT_DRAIN_MILLIS = 5000;
    /** A start waits this long for the previous run's exit handling (delete task, keep status). */
    private static final long PREVIOUS_RUN_SECONDS = 30;

    /** What happened to a container, as docker's events name it: create, start, die, destroy. */
    @FunctionalInterface
    public interface Events {
        /** @param attributes more than the container's name and image (die: exitCode) */
        void event(String action, Container container, Map<String, String> attributes);
    }

    private final Containerd containerd;
    private final Containers containers;
    private final ContainerStarter starter;
    private final Path stateRoot;
    private final Optional<Path> bypassdSocket;
    private final Events events;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, AttachedRun> runs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> watches = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> nextExits = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> removals = new ConcurrentHashMap<>();

    /**
     * @param keeperMain the class whose main runs {@code network-keeper}
     * @param bypass what bypass4netns containers' networks use
     */
    public ContainerSupervisor(Containerd containerd, Path stateRoot, String keeperMain, BypassNetwork.Settings bypass,
                               Events events) {
        this.containerd = containerd;
        this.containers = new Containers(containerd);
        this.starter = new ContainerStarter(containerd, null, stateRoot, keeperMain, bypass);
        this.stateRoot = stateRoot;
        this.bypassdSocket = bypass.bypassdSocket();
        this.events = events;
    }

    /** docker create: the container made, not started ({@link ContainerRunner#create}); its ID. */
    public String create(RunSpec spec, ContainerRunner runner) throws IOException {
        Container c = runner.create(spec).container();
        events.event("create", c, Map.of());
        return c.getId();
    }

    /**
     * Attaches a client to the container's current run, or to its next one when it is not
     * running (docker run attaches before it starts). Each stream may be null.
     *
     * @return done once the run's output ended or the client's output failed
     */
    public CompletableFuture<Void> attach(String id, OutputStream out, OutputStream err, InputStream in) {
        return runs.computeIfAbsent(id, k -> new AttachedRun()).attach(out, err, in);
    }

    /**
     * docker start: the task with the daemon's FIFOs and the container's network; a running
     * one is left as it is. An AutoRemove container whose start fails is removed.
     *
     * @return false when it was running already
     * @throws JnerdException what the start failed with (docker's 125, 126, 127)
     */
    public boolean start(Container c) throws IOException, InterruptedException {
        String id = c.getId();
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            awaitPreviousRun(id);
            Optional<Process> task = containers.task(id);
            if (Containers.isRunning(task)) {
                return false;
            }
            AttachedRun run = runs.computeIfAbsent(id, k -> new AttachedRun());
            boolean started = false;
            Path log;
            try {
                Path stateDir = starter.stateDir(c);
                log = Path.of(c.getLabelsMap().getOrDefault(ContainerLabels.LOG,
                        stateDir.resolve("container.log").toString()));
                ContainerStarter.TaskStdio stdio = run.begin(stateDir, log, ContainerStarter.tty(c),
                        c.getLabelsMap().get(ContainerLabels.STDIN), () -> closeStdin(id));
                starter.start(c, task, stdio);
                started = true;
            } finally {
                if (!started) {
                    runs.remove(id, run);
                    run.end(0);
                    if (autoRemove(c)) {
                        remove(c, false);
                    }
                }
            }
            events.event("start", c, Map.of());
            CompletableFuture<Void> watch = new CompletableFuture<>();
            watches.put(id, watch);
            Thread watcher = new Thread(() -> {
                try {
                    watch(c, run);
                } finally {
                    watch.complete(null);
                }
            }, "jnerd-exit-" + id.substring(0, 12));
            watcher.setDaemon(true);
            watcher.start();
            // After the watcher: the label write (a containerd transaction) is not on the way of
            // a short run's exit, which docker run --rm waits for.
            starter.recordStart(c, log);
            return true;
        }
    }

    /** docker restart: stopped (SIGTERM, SIGKILL after {@code timeoutSeconds}) with its network, then started. */
    public void restart(Container c, int timeoutSeconds) throws IOException, InterruptedException {
        containers.stopWithNetwork(c.getId(), Signals.SIGTERM, timeoutSeconds, stateRoot, bypassdSocket);
        start(containers.get(c.getId()).orElseThrow(() -> new JnerdException("no such container: " + c.getId())));
    }

    /**
     * docker rm: {@link Containers#rm}, then the destroy event, after the die of a run that
     * {@code -f} just ended (its watcher reports it): dockerd's order, which clients of
     * {@code /events} wait on.
     */
    public void rm(Container c, String ref, boolean force) {
        containers.rm(c, ref, force, stateRoot, bypassdSocket);
        try {
            awaitPreviousRun(c.getId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JnerdException stillCleaningUp) {
            // Its die comes late; the container is gone all the same.
        }
        destroyed(c);
    }

    /** The status of the container's next exit (docker wait's next-exit: registered before its start). */
    public CompletableFuture<Integer> nextExit(String id) {
        return nextExits.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** Done once the container is removed (docker wait's removed, what docker run --rm waits for). */
    public CompletableFuture<Void> removal(String id) {
        CompletableFuture<Void> f = removals.computeIfAbsent(id, k -> new CompletableFuture<>());
        if (containers.get(id).isEmpty()) {
            f.complete(null);
            removals.remove(id, f);
        }
        return f;
    }

    /** docker resize: the task's pty; one that is not running (yet) or has none ignores it. */
    public void resize(String id, int width, int height) {
        try {
            containerd.tasks().resizePty(ResizePtyRequest.newBuilder().setContainerId(id)
                    .setWidth(width).setHeight(height).build());
        } catch (StatusRuntimeException e) {
            // No task or no terminal: as dockerd, a resize of nothing is no error worth failing a run for.
        }
    }

    private void awaitPreviousRun(String id) throws InterruptedException {
        CompletableFuture<Void> previous = watches.get(id);
        if (previous == null) {
            return;
        }
        try {
            previous.get(PREVIOUS_RUN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new JnerdException("container " + id + ": its last run is still being cleaned up");
        }
    }

    /** Until the task exits: its output drained, the task deleted with its status kept, die, then AutoRemove. */
    private void watch(Container c, AttachedRun run) {
        String id = c.getId();
        int status;
        try {
            status = containerd.tasksUnbounded().wait(WaitRequest.newBuilder().setContainerId(id).build())
                    .getExitStatus();
        } catch (StatusRuntimeException e) {
            // Deleted meanwhile (docker stop, rm -f): they kept its status on the container.
            status = containers.get(id).map(x -> ContainerSummary.of(x, Optional.empty()).exitCode()).orElse(-1);
        }
        try {
            run.end(OUTPUT_DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.remove(id, run);
        // One with a restart policy is the network keeper's: it deletes the task and starts it again.
        boolean taskDeleted = false;
        if (!c.getLabelsMap().containsKey(ContainerLabels.RESTART_POLICY)) {
            try {
                if (!autoRemove(c)) {
                    // Kept before the task goes: a docker wait in between finds the one or the other
                    // (it answered 0 when it came after the delete and before the label). An
                    // AutoRemove one is removed next: its waiters get the status from here.
                    Containers.recordExit(containerd, id, status);
                }
                Containers.deleteTask(containerd, id);
                taskDeleted = true;
            } catch (StatusRuntimeException e) {
                // Removed meanwhile (rm -f): nothing to keep.
            }
        }
        events.event("die", c, Map.of("exitCode", Integer.toString(status)));
        CompletableFuture<Integer> exit = nextExits.remove(id);
        if (exit != null) {
            exit.complete(status);
        }
        if (autoRemove(c)) {
            remove(c, taskDeleted);
        }
    }

    private static boolean autoRemove(Container c) {
        return "true".equals(c.getLabelsMap().get(ContainerLabels.AUTO_REMOVE));
    }

    /**
     * AutoRemove: whatever is left of it (task, network, snapshot, state) goes; the destroy
     * event. With its task deleted and its network in its spec (--net=none, host) there is no
     * one else to tell: a run that exited goes without a look at its task, the network keeper or bypassd.
     */
    private void remove(Container c, boolean taskDeleted) {
        try {
            if (!taskDeleted || !ContainerStarter.specOnlyNetwork(c)) {
                // A task may be left, or a network keeper or bypassd may hold it: they are told, the task stopped.
                containers.stopWithNetwork(c.getId(), Signals.SIGKILL, 10, stateRoot, bypassdSocket);
            }
            containers.remove(c, stateRoot);
        } catch (RuntimeException e) {
            // Removed meanwhile by rm -f; either way it is gone for its waiters.
        }
        destroyed(c);
    }

    private void destroyed(Container c) {
        events.event("destroy", c, Map.of());
        locks.remove(c.getId());
        AttachedRun pending = runs.remove(c.getId());
        if (pending != null) {
            // Clients attached to a run that will never come (created, then removed) are let go.
            try {
                pending.end(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CompletableFuture<Void> removal = removals.remove(c.getId());
        if (removal != null) {
            removal.complete(null);
        }
        CompletableFuture<Integer> exit = nextExits.remove(c.getId());
        if (exit != null) {
            exit.complete(ContainerSummary.of(c, Optional.empty()).exitCode());
        }
    }

    private void closeStdin(String id) {
        try {
            containerd.tasks().closeIO(CloseIORequest.newBuilder().setContainerId(id).setStdin(true).build());
        } catch (StatusRuntimeException e) {
            // The task is gone already: its stdin with it.
        }
    }
}
