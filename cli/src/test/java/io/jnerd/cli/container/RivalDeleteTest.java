package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.types.task.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clients deleting the same exited task at once — the daemon's exit watcher and a
 * {@code docker restart} or {@code rm -f}, a foreground {@code run --rm} and an {@code rm -f}
 * — both succeed, and the status kept on the container is the task's own. (The loser's delete
 * fails with "ttrpc: closed" while the winner's shim shuts down; it used to give up after a
 * second and to record 0 over the winner's status.)
 */
class RivalDeleteTest extends LoadedContainerd {
    private static final int ROUNDS = 8;
    private static final int CLIENTS = 3;
    private static final int STAGGERED_ROUNDS = 24;

    @Test
    void everyClientStopsItAndTheTasksStatusIsKept() throws Exception {
        Cli.Result run = cli.run("run", "-d", "--net", "none", "--name", "rival", TestImages.NAME, "sh", "-c", "exit 7");
        assertEquals(0, run.exitCode, run.toString());
        String id = run.out.trim();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                if (round > 0) {
                    Cli.Result start = cli.run("start", "rival");
                    assertEquals(0, start.exitCode, start.toString());
                }
                awaitStopped(id);
                CyclicBarrier together = new CyclicBarrier(CLIENTS);
                List<Future<?>> stops = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    stops.add(pool.submit(() -> {
                        try (Containerd c = containerd.connect()) {
                            together.await();
                            new Containers(c).stop(id, Signals.SIGKILL, 1);
                        }
                        return null;
                    }));
                }
                for (Future<?> stop : stops) {
                    stop.get(60, TimeUnit.SECONDS);
                }
                try (Containerd c = containerd.connect()) {
                    assertEquals("7", new Containers(c).get(id).orElseThrow().getLabelsMap()
                            .get(ContainerLabels.EXIT_CODE), "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
            cli.run("rm", "-f", "rival");
        }
    }

    /**
     * Clients stopping one running task a few milliseconds apart: a late one sees it running,
     * and its kill (runc kill, milliseconds) can end after an earlier client deleted it, so its
     * Wait finds no task. That is the task gone, not an error (docker rm -f of a container that
     * exited by itself got "NOT_FOUND: task ... not found", with the daemon's exit watcher as the rival).
     */
    @Test
    void clientsStoppingARunningTaskApartAllSucceed() throws Exception {
        Cli.Result run = cli.run("run", "-d", "--net", "none", "--name", "rival-running", TestImages.NAME, "sleep", "1000");
        assertEquals(0, run.exitCode, run.toString());
        String id = run.out.trim();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int round = 0; round < STAGGERED_ROUNDS; round++) {
                if (round > 0) {
                    Cli.Result start = cli.run("start", "rival-running");
                    assertEquals(0, start.exitCode, start.toString());
                }
                awaitRunning(id);
                List<Future<?>> stops = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    long delayMicros = i * round * 500L;
                    stops.add(pool.submit(() -> {
                        try (Containerd c = containerd.connect()) {
                            Containers containers = new Containers(c);
                            containers.task(id); // connected before the delay
                            TimeUnit.MICROSECONDS.sleep(delayMicros);
                            containers.stop(id, Signals.SIGKILL, 1);
                        }
                        return null;
                    }));
                }
                for (Future<?> stop : stops) {
                    stop.get(60, TimeUnit.SECONDS);
                }
                try (Containerd c = containerd.connect()) {
                    assertEquals(Optional.empty(), new Containers(c).task(id), "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
            cli.run("rm", "-f", "rival-running");
        }
    }

    private static void awaitRunning(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Containerd c = containerd.connect()) {
            Containers containers = new Containers(c);
            while (containers.task(id).map(t -> t.getStatus() != Status.RUNNING).orElse(true)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the task of " + id + " did not start: " + containers.task(id));
                }
                Thread.sleep(20);
            }
        }
    }

    private static void awaitStopped(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Containerd c = containerd.connect()) {
            Containers containers = new Containers(c);
            while (containers.task(id).map(t -> t.getStatus() != Status.STOPPED).orElse(true)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the task of " + id + " did not exit: " + containers.task(id));
                }
                Thread.sleep(20);
            }
        }
    }
}
