package io.jnerd.engine.network;

import io.jnerd.engine.StateDirs;
import io.jnerd.netns.ContainerNetworks;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One container's network in the resident keeper ({@link NetworkKeeper}): made around its
 * task as {@code jnerd run} would (prepare before the task exists, attach before it starts),
 * held while its init runs (a pidfd), torn down when it exits; then, by the container's
 * restart policy ({@link KeptTasks#exited}), made again around a new task, or released.
 */
final class KeptNetwork {
    private final KeeperRequest request;
    private final NetworkAttacher mode;
    private final ContainerContext context;
    private final KeptTasks tasks;
    private final HeldRecords records;
    private final Consumer<String> log;
    /** jnerd stop or rm asked: the next exit is the last. */
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private NetworkAttacher.Attachment prepared = NetworkAttacher.Attachment.NONE;
    private NetworkAttacher.Attachment attached = NetworkAttacher.Attachment.NONE;
    private ProcessExit init;

    KeptNetwork(KeeperRequest request, KeptTasks tasks, HeldRecords records, Consumer<String> log) {
        this.request = request;
        this.mode = request.mode(line -> log.accept(request.id().substring(0, 12) + ": " + line));
        this.context = request.context();
        this.tasks = tasks;
        this.records = records;
        this.log = log;
    }

    KeeperRequest request() {
        return request;
    }

    /** The mode's prepare: /etc files, the bypass's agent socket. */
    void prepare() throws IOException {
        prepared = mode.prepare(context);
    }

    /**
     * The driver attached to the init's namespace, ports published; then recorded as held
     * (in the held dir and the container's state dir), before the run is answered, so that
     * {@code jnerd run -d} returns with the keeper on record.
     */
    void attach(long pid) throws IOException {
        init = ProcessExit.of(pid).orElseThrow(() ->
                new IOException("the container's init (pid " + pid + ") is gone already"));
        attached = mode.attach(context, (int) pid);
        records.write(request, pid);
        writeKeeperRecord();
    }

    /** No longer held: both records go. */
    void forget() {
        records.remove(request);
        KeeperRecord.remove(request.stateDir());
    }

    /**
     * A container a killed keeper held: its network is attached again when its init still
     * runs, except a bypass that died with that keeper (served in it, not by bypassd): no
     * process holds its seccomp listener any more, so the container is stopped, saying so, and
     * its restart policy decides. What the dead keeper left (pasta, the network dir, a
     * bypass in bypassd) is torn down with it.
     */
    void takeOver(long recordedPid) throws IOException {
        ContainerNetworks.stopLeftoverDriver(context.networkDir());
        prepared = () -> {
            if (mode instanceof BypassNetwork bypass) {
                bypass.stopLeftover(context);
            }
            StateDirs.delete(context.networkDir());
        };
        OptionalLong running = tasks.runningInit(request);
        if (running.isEmpty() || running.getAsLong() != recordedPid) {
            log.accept(request.id() + ": its init ended while no keeper held it");
            writeKeeperRecord();
            return;
        }
        if (mode instanceof BypassNetwork bypass && !bypass.heldByBypassd(context)) {
            init = ProcessExit.of(recordedPid).orElse(null);
            tasks.stopBecause(request, "its network keeper was killed, and with it the bypass4netns switch its"
                    + " seccomp filter depends on");
            writeKeeperRecord();
            return;
        }
        attach(recordedPid);
        log.accept(request.id() + ": network attached again to init pid " + recordedPid);
    }

    /** {@code jnerd stop} or {@code rm}: the init's exit that follows is the last. */
    void stopRequested() {
        stopRequested.complete(null);
    }

    /**
     * Holds the network until the container stays stopped: each exit tears it down, and a
     * restart makes it again around the new task.
     */
    void hold() {
        long keeperPid = ProcessHandle.current().pid();
        while (true) {
            if (init != null) {
                log.accept(request.id() + ": keeping --net " + mode.name() + " (init pid " + init.pid() + ", keeper "
                        + keeperPid + ")");
                awaitInit();
            }
            tearDown();
            Optional<Duration> again;
            try {
                again = tasks.exited(request, stopRequested.isDone());
            } catch (IOException | RuntimeException e) {
                log.accept(request.id() + ": after its exit: " + e.getMessage());
                again = Optional.empty();
            }
            if (again.isEmpty() || waitUnlessStopped(again.get())) {
                break;
            }
            try {
                prepare();
                long pid = tasks.create(request);
                attach(pid);
                tasks.start(request);
                log.accept(request.id() + ": restarted (init pid " + pid + ")");
            } catch (IOException | RuntimeException e) {
                log.accept(request.id() + ": restarting failed: " + e.getMessage());
                tearDown();
            }
        }
        forget();
        log.accept(request.id() + ": released");
    }

    private void writeKeeperRecord() {
        try {
            if (java.nio.file.Files.isDirectory(request.stateDir())) {
                KeeperRecord.writeSelf(request.stateDir());
            }
        } catch (IOException e) {
            log.accept(request.id() + ": cannot record the keeper in " + request.stateDir() + ": " + e.getMessage());
        }
    }

    private void awaitInit() {
        try {
            init.await(null);
        } catch (io.jnerd.nativebindings.SyscallException e) {
            log.accept(request.id() + ": watching its init failed (" + e.getMessage() + "): tearing down");
        }
    }

    /** @return whether stop or rm came first */
    private boolean waitUnlessStopped(Duration delay) {
        try {
            stopRequested.get(delay.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException | ExecutionException e) {
            return true;
        }
    }

    /** The driver, then what prepare made; either may be gone already. */
    void tearDown() {
        for (AutoCloseable part : new AutoCloseable[] {attached, init, prepared}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                log.accept(request.id() + ": tearing down: " + e.getMessage());
            }
        }
        attached = NetworkAttacher.Attachment.NONE;
        prepared = NetworkAttacher.Attachment.NONE;
        init = null;
    }
}
