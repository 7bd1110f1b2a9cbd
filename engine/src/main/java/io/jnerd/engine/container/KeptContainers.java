package io.jnerd.engine.container;

import com.google.protobuf.FieldMask;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.network.KeeperRequest;
import io.jnerd.engine.network.KeptTasks;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdUnavailableException;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.containers.UpdateContainerRequest;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The containers the resident network keeper holds, as containerd sees them: how an exit is
 * recorded, what the restart policy ({@link RestartPolicy}, from the container's labels)
 * decides, the new task of a restart ({@link ContainerStarter}), {@code --rm}. One containerd
 * connection per namespace, made when first needed and made again after containerd
 * restarted.
 */
public final class KeptContainers implements KeptTasks, AutoCloseable {
    /** docker's restart delay: 100 ms, doubled after each restart that ran less than 10 s, at most a minute. */
    private static final Duration FIRST_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_DELAY = Duration.ofMinutes(1);
    private static final Duration RAN_LONG_ENOUGH = Duration.ofSeconds(10);
    /** A containerd being restarted (jnerd rootless stop/start, an upgrade) is waited for this long. */
    private static final Duration CONTAINERD_WAIT = Duration.ofMinutes(5);
    private static final long CONTAINERD_POLL_MILLIS = 500;
    /** docker's status for a container whose end nobody saw (its task is gone). */
    private static final int UNKNOWN_EXIT = 255;

    private final Path containerdSocket;
    private final Path stateRoot;
    private final RunConsole console;
    private final Consumer<String> log;
    private final Map<String, Containerd> connections = new HashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    private record Backoff(Duration delay, Instant started) {}

    public KeptContainers(Path containerdSocket, Path stateRoot, RunConsole console, Consumer<String> log) {
        this.containerdSocket = containerdSocket;
        this.stateRoot = stateRoot;
        this.console = console;
        this.log = log;
    }

    @Override
    public Optional<Duration> exited(KeeperRequest r, boolean stoppedByUser) throws IOException {
        return call(r.namespace(), c -> {
            Containers containers = new Containers(c);
            Optional<Container> container = containers.get(r.id());
            if (container.isEmpty()) {
                return Optional.empty();
            }
            if (r.remove()) {
                containers.stop(r.id(), Signals.SIGKILL, 10);
                containers.remove(container.get(), stateRoot);
                return Optional.empty();
            }
            if (stoppedByUser) {
                return Optional.empty();
            }
            Optional<Process> task = containers.task(r.id());
            // One whose delete lost to another client's was stopped: its status is in the task we saw.
            int status = task.isPresent()
                    ? Containers.deleteTask(c, r.id()).orElse(task.get().getExitStatus()) : UNKNOWN_EXIT;
            Containers.recordExit(c, r.id(), status);
            Map<String, String> labels = container.get().getLabelsMap();
            RestartPolicy policy = RestartPolicy.parse(labels.getOrDefault(ContainerLabels.RESTART_POLICY, "no"));
            int restarts = Integer.parseInt(labels.getOrDefault(ContainerLabels.RESTART_COUNT, "0"));
            if (!policy.restarts(status, restarts)) {
                log.accept(r.id() + ": exited with " + status + ", --restart=" + policy + " after " + restarts
                        + " restarts: stays stopped");
                return Optional.empty();
            }
            label(c, r.id(), ContainerLabels.RESTART_COUNT, Integer.toString(restarts + 1));
            Duration delay = delay(r.id());
            log.accept(r.id() + ": exited with " + status + ", --restart=" + policy + ": starting it again in "
                    + delay.toMillis() + " ms");
            return Optional.of(delay);
        });
    }

    @Override
    public long create(KeeperRequest r) throws IOException {
        return call(r.namespace(), c -> {
            Container container = new Containers(c).get(r.id())
                    .orElseThrow(() -> new IOException("container " + r.id() + " is gone"));
            long pid = new ContainerStarter(c, console, stateRoot).createDetached(container);
            Backoff b = backoffs.getOrDefault(r.id(), new Backoff(FIRST_DELAY, Instant.now()));
            backoffs.put(r.id(), new Backoff(b.delay(), Instant.now()));
            return pid;
        });
    }

    @Override
    public void start(KeeperRequest r) throws IOException {
        call(r.namespace(), c -> {
            Container container = new Containers(c).get(r.id())
                    .orElseThrow(() -> new IOException("container " + r.id() + " is gone"));
            new ContainerStarter(c, console, stateRoot).startCreated(container);
            return null;
        });
    }

    @Override
    public OptionalLong runningInit(KeeperRequest r) throws IOException {
        return call(r.namespace(), c -> {
            Optional<Process> task = new Containers(c).task(r.id());
            return task.isPresent() && task.get().getStatus() == Status.RUNNING
                    ? OptionalLong.of(task.get().getPid()) : OptionalLong.empty();
        });
    }

    @Override
    public void stopBecause(KeeperRequest r, String reason) throws IOException {
        call(r.namespace(), c -> {
            Optional<Container> container = new Containers(c).get(r.id());
            if (container.isEmpty()) {
                return null;
            }
            label(c, r.id(), ContainerLabels.STOP_REASON, reason);
            String logFile = container.get().getLabelsMap().get(ContainerLabels.LOG);
            if (logFile != null && Files.exists(Path.of(logFile))) {
                Files.writeString(Path.of(logFile), "jnerd: container stopped: " + reason + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            log.accept(r.id() + ": stopping it: " + reason);
            new Containers(c).kill(r.id(), Signals.SIGKILL);
            return null;
        });
    }

    private Duration delay(String id) {
        Backoff b = backoffs.get(id);
        Duration next = b == null || Duration.between(b.started(), Instant.now()).compareTo(RAN_LONG_ENOUGH) >= 0
                ? FIRST_DELAY : min(b.delay().multipliedBy(2), MAX_DELAY);
        backoffs.put(id, new Backoff(next, b == null ? Instant.now() : b.started()));
        return next;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static void label(Containerd c, String id, String key, String value) {
        c.containers().update(UpdateContainerRequest.newBuilder()
                .setContainer(Container.newBuilder().setId(id).putLabels(key, value))
                .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + key)).build());
    }

    /** One containerd step; run again while containerd is unavailable (being restarted), up to {@link #CONTAINERD_WAIT}. */
    @FunctionalInterface
    private interface Call<T> {
        T run(Containerd c) throws IOException;
    }

    private <T> T call(String namespace, Call<T> call) throws IOException {
        long deadline = System.nanoTime() + CONTAINERD_WAIT.toNanos();
        while (true) {
            Containerd c = containerd(namespace);
            try {
                return call.run(c);
            } catch (StatusRuntimeException e) {
                forget(namespace);
                if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw new IOException("containerd: " + e.getStatus(), e);
                }
                pause();
            }
        }
    }

    private static void pause() throws java.io.InterruptedIOException {
        try {
            Thread.sleep(CONTAINERD_POLL_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for containerd");
        }
    }

    /** The namespace's connection, waiting for a containerd that is being restarted. */
    private synchronized Containerd containerd(String namespace) throws IOException {
        Containerd c = connections.get(namespace);
        if (c != null) {
            return c;
        }
        long deadline = System.nanoTime() + CONTAINERD_WAIT.toNanos();
        while (true) {
            try {
                c = Containerd.connect(containerdSocket, namespace);
                connections.put(namespace, c);
                return c;
            } catch (ContainerdUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** The keeper is leaving: its containerd connections (and their threads) go. */
    @Override
    public synchronized void close() {
        connections.values().forEach(Containerd::close);
        connections.clear();
    }

    /** A call failed (containerd restarting): the next one connects again. */
    private synchronized void forget(String namespace) {
        Containerd c = connections.remove(namespace);
        if (c != null) {
            c.close();
        }
    }
}
