package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import java.util.function.BiConsumer;
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
        rounds("rival", ROUNDS, Status.STOPPED, new Rival() {
            private CyclicBarrier together;

            @Override
            public void before(int round) {
                together = new CyclicBarrier(CLIENTS);
            }

            @Override
            public void stop(Containers containers, String id, int client, int round) throws Exception {
                together.await();
                containers.stop(id, Signals.SIGKILL, 1);
            }
        }, (containers, id) -> assertEquals("7", containers.get(id).orElseThrow().getLabelsMap()
                .get(ContainerLabels.EXIT_CODE)), "sh", "-c", "exit 7");
    }

    /**
     * Clients stopping one running task a few milliseconds apart: a late one sees it running,
     * then its kill or Wait reaches the shim while an earlier client's delete shuts it down
     * ("ttrpc: closed") or after (NotFound). That is the task gone, not an error (docker rm -f
     * of a container that exited by itself got "NOT_FOUND: task ... not found", with the
     * daemon's exit watcher as the rival; this test in CI then found the "ttrpc: closed" kill).
     */
    @Test
    void clientsStoppingARunningTaskApartAllSucceed() throws Exception {
        rounds("rival-running", STAGGERED_ROUNDS, Status.RUNNING, (containers, id, client, round) -> {
            containers.task(id); // connected before the delay
            TimeUnit.MICROSECONDS.sleep(client * round * 500L);
            containers.stop(id, Signals.SIGKILL, 1);
        }, (containers, id) -> assertEquals(Optional.empty(), containers.task(id)), "sleep", "1000");
    }

    /** What each client does to the container in a round. */
    private interface Rival {
        default void before(int round) {}

        void stop(Containers containers, String id, int client, int round) throws Exception;
    }

    /**
     * Runs a detached container of {@code command}, then for each round: (re)starts it, waits
     * for its task to be {@code awaited}, lets {@link #CLIENTS} clients at it, each over its own
     * connection, and checks what is left.
     */
    private void rounds(String name, int rounds, Status awaited, Rival rival, BiConsumer<Containers, String> check,
            String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--net", "none", "--name", name, TestImages.NAME));
        args.addAll(List.of(command));
        Cli.Result run = cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode, run.toString());
        String id = run.out.trim();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int round = 0; round < rounds; round++) {
                if (round > 0) {
                    Cli.Result start = cli.run("start", name);
                    assertEquals(0, start.exitCode, start.toString());
                }
                awaitTask(id, awaited);
                rival.before(round);
                List<Future<?>> stops = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int client = i;
                    int r = round;
                    stops.add(pool.submit(() -> {
                        try (Containerd c = containerd.connect()) {
                            rival.stop(new Containers(c), id, client, r);
                        }
                        return null;
                    }));
                }
                for (Future<?> stop : stops) {
                    stop.get(60, TimeUnit.SECONDS);
                }
                try (Containerd c = containerd.connect()) {
                    int r = round;
                    assertDoesNotThrow(() -> check.accept(new Containers(c), id), () -> "round " + r);
                }
            }
        } finally {
            pool.shutdownNow();
            cli.run("rm", "-f", name);
        }
    }

    private static void awaitTask(String id, Status awaited) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Containerd c = containerd.connect()) {
            Containers containers = new Containers(c);
            while (containers.task(id).map(t -> t.getStatus() != awaited).orElse(true)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the task of " + id + " is not " + awaited + ": " + containers.task(id));
                }
                Thread.sleep(20);
            }
        }
    }
}
