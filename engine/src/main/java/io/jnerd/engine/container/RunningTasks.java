package io.jnerd.engine.container;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.events.Envelope;
import io.jnerd.proto.containerd.events.PublishRequest;
import io.jnerd.proto.containerd.events.SubscribeRequest;
import io.jnerd.proto.containerd.events.task.TaskCreate;
import io.jnerd.proto.containerd.events.task.TaskDelete;
import io.jnerd.proto.containerd.events.task.TaskExit;
import io.jnerd.proto.containerd.events.task.TaskPaused;
import io.jnerd.proto.containerd.events.task.TaskResumed;
import io.jnerd.proto.containerd.events.task.TaskStart;
import io.jnerd.proto.containerd.tasks.ListTasksRequest;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Which containers' tasks run (or are paused), kept from containerd's task events, so that a
 * listing does not ask for it: containerd answers Tasks/List by asking every task's shim for
 * its state (2.3 ms for 10 running containers here, more than Containers/List itself), while
 * dockerd keeps container states in memory. For a long-lived front door (the daemon).
 *
 * <p>Only "running" and "paused" are kept, and trusted: those end with an event (exit,
 * delete), and until that event arrives the task is shown running, as dockerd shows a
 * container whose exit it has not processed yet. Anything else (created, stopped, no task)
 * the listing looks up, since a start's event may still be on its way from the shim when the
 * client that started it lists.
 *
 * <p>In step only after a marker this process published came back through the subscription
 * (so the subscription was live before the Tasks/List that seeds it), and never while the
 * stream is broken (containerd restarted): {@link #now()} is then empty and listings ask
 * containerd, while this follows again every second.
 */
public final class RunningTasks implements AutoCloseable {
    private static final String SYNC_TOPIC = "/jnerd/running-tasks-sync";
    private static final long SYNC_TIMEOUT_MILLIS = 5000;
    private static final long PUBLISH_EVERY_MILLIS = 50;
    private static final long RETRY_MILLIS = 1000;

    private final Containerd containerd;
    private final Consumer<String> log;
    private final Object lock = new Object();
    /** Guarded by lock: the tasks by container ID, valid when inStep. */
    private final Map<String, Process> running = new HashMap<>();
    /** Guarded by lock: events that came before the Tasks/List was in; null once it is. */
    private List<Envelope> early;
    private boolean inStep;
    private volatile boolean closed;
    private volatile Context.CancellableContext subscription;
    private final Thread thread;

    private RunningTasks(Containerd containerd, Consumer<String> log) {
        this.containerd = containerd;
        this.log = log;
        this.thread = new Thread(this::followWhileOpen, "jnerd-running-tasks");
        thread.setDaemon(true);
    }

    /** Starts following containerd's task events in the connection's namespace. */
    public static RunningTasks follow(Containerd containerd, Consumer<String> log) {
        RunningTasks tasks = new RunningTasks(containerd, log);
        tasks.thread.start();
        return tasks;
    }

    /** The running and paused tasks by container ID; empty while not in step with containerd. */
    public Optional<Map<String, Process>> now() {
        synchronized (lock) {
            return inStep ? Optional.of(Map.copyOf(running)) : Optional.empty();
        }
    }

    /** Says once when it falls out of step (not at every retry while containerd is down). */
    private void followWhileOpen() {
        while (!closed) {
            String why = "the stream ended";
            try {
                followOnce();
            } catch (StatusRuntimeException e) {
                why = e.getStatus().toString();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (inStep && !closed) {
                    log.accept("jnerd daemon: containerd's task events stopped (" + why
                            + "); listings ask containerd until they follow again");
                }
                inStep = false;
                running.clear();
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One subscription: live (marker seen), seeded by Tasks/List, followed until it breaks. */
    private void followOnce() throws InterruptedException {
        ByteString token = ByteString.copyFrom(UUID.randomUUID().toString(), StandardCharsets.US_ASCII);
        CountDownLatch live = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        synchronized (lock) {
            early = new ArrayList<>();
        }
        String ns = "namespace==\"" + containerd.namespace() + "\"";
        SubscribeRequest request = SubscribeRequest.newBuilder().addFilters(ns + ",topic~=\"^/tasks/\"")
                .addFilters(ns + ",topic==\"" + SYNC_TOPIC + "\"").build();
        Context.CancellableContext context = Context.current().withCancellation();
        subscription = context;
        try {
            context.run(() -> containerd.eventsAsync().subscribe(request, new StreamObserver<>() {
                @Override
                public void onNext(Envelope e) {
                    if (e.getTopic().equals(SYNC_TOPIC)) {
                        if (e.getEvent().getValue().equals(token)) {
                            live.countDown();
                        }
                        return;
                    }
                    received(e);
                }

                @Override
                public void onError(Throwable t) {
                    ended.countDown();
                }

                @Override
                public void onCompleted() {
                    ended.countDown();
                }
            }));
            if (closed || !awaitLive(token, live, ended)) {
                return;
            }
            List<Process> tasks = containerd.tasks().list(ListTasksRequest.getDefaultInstance()).getTasksList();
            synchronized (lock) {
                running.clear();
                for (Process p : tasks) {
                    if (p.getStatus() == Status.RUNNING || p.getStatus() == Status.PAUSED) {
                        running.put(p.getId(), p);
                    }
                }
                // Older than the list or newer, applied in order they end in the state the last one says.
                try {
                    for (Envelope e : early) {
                        apply(e);
                    }
                } catch (InvalidProtocolBufferException unreadable) {
                    return;
                }
                early = null;
                inStep = true;
            }
            ended.await();
        } finally {
            context.cancel(null);
        }
    }

    /**
     * Publishes the marker until it comes back: the stream's head tells nothing, so the first
     * marker seen is the proof the subscription was registered. False when it never came.
     */
    private boolean awaitLive(ByteString token, CountDownLatch live, CountDownLatch ended) throws InterruptedException {
        PublishRequest marker = PublishRequest.newBuilder().setTopic(SYNC_TOPIC)
                .setEvent(Any.newBuilder().setTypeUrl("io.jnerd/running-tasks-sync").setValue(token)).build();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline && !closed && ended.getCount() > 0) {
            containerd.events().publish(marker);
            if (live.await(PUBLISH_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An event this build cannot read would leave a task's state unknown: the subscription
     * ends and listings ask containerd until the next one is in step.
     */
    private void received(Envelope e) {
        synchronized (lock) {
            if (early != null) {
                early.add(e);
                return;
            }
            try {
                apply(e);
            } catch (InvalidProtocolBufferException unreadable) {
                inStep = false;
                log.accept("jnerd daemon: unreadable " + e.getTopic() + " event; listing tasks from containerd");
                Context.CancellableContext s = subscription;
                if (s != null) {
                    s.cancel(unreadable);
                }
            }
        }
    }

    /** Guarded by lock. */
    private void apply(Envelope e) throws InvalidProtocolBufferException {
        ByteString value = e.getEvent().getValue();
        switch (e.getTopic()) {
            case "/tasks/start" -> {
                TaskStart s = TaskStart.parseFrom(value);
                running.put(s.getContainerId(), Process.newBuilder().setId(s.getContainerId())
                        .setPid(s.getPid()).setStatus(Status.RUNNING).build());
            }
            case "/tasks/paused" -> running.computeIfPresent(TaskPaused.parseFrom(value).getContainerId(),
                    (id, p) -> p.toBuilder().setStatus(Status.PAUSED).build());
            case "/tasks/resumed" -> running.computeIfPresent(TaskResumed.parseFrom(value).getContainerId(),
                    (id, p) -> p.toBuilder().setStatus(Status.RUNNING).build());
            case "/tasks/create" -> running.remove(TaskCreate.parseFrom(value).getContainerId());
            case "/tasks/exit" -> {
                TaskExit x = TaskExit.parseFrom(value);
                if (x.getId().isEmpty() || x.getId().equals(x.getContainerId())) {
                    running.remove(x.getContainerId());
                }
            }
            case "/tasks/delete" -> {
                TaskDelete d = TaskDelete.parseFrom(value);
                if (d.getId().isEmpty() || d.getId().equals(d.getContainerId())) {
                    running.remove(d.getContainerId());
                }
            }
            default -> { }
        }
    }

    @Override
    public void close() {
        closed = true;
        Context.CancellableContext s = subscription;
        if (s != null) {
            s.cancel(null);
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
