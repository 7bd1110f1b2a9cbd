package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.RunningTasks;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The daemon's view of running tasks, kept from containerd's events, against what other
 * clients do to the tasks (the jnerd CLI, ctr): starts, exits, an exec's exit (which is not
 * the container's), pause and resume, stop and removal; and a containerd restart, during
 * which listings must not trust it. Listings through it say what listings without it say.
 */
class RunningTasksTest extends LoadedContainerd {
    private static final long SETTLE_SECONDS = 10;

    @Test
    void followsWhatOtherClientsDoToTasks() throws Exception {
        String before = runDetached("before", "sleep", "1000");
        try (Containerd c = containerd.connect(); RunningTasks running = RunningTasks.follow(c, line -> { })) {
            await(running, m -> true, "in step with containerd");
            assertEquals(Status.RUNNING, running.now().orElseThrow().get(before).getStatus(),
                    "a task running before it followed comes from the Tasks/List that seeds it");

            String after = runDetached("after", "sleep", "1000");
            Process started = await(running, m -> m.containsKey(after), "the start of a task another client made").get(after);
            assertEquals(new Containers(c).task(after).orElseThrow().getPid(), started.getPid());

            Cli.Result exec = cli.run("exec", "after", "true");
            assertEquals(0, exec.exitCode, exec.toString());
            // The pause's event comes after the exec's exit, and is kept only for a task still there.
            ctr("task", "pause", after);
            await(running, m -> m.containsKey(after) && m.get(after).getStatus() == Status.PAUSED,
                    "a pause, after an exec's exit (which is not the container's)");
            ctr("task", "resume", after);
            await(running, m -> m.containsKey(after) && m.get(after).getStatus() == Status.RUNNING, "a resume");

            String killed = runDetached("killed", "sleep", "1000");
            await(running, m -> m.containsKey(killed), "another start");
            assertEquals(0, cli.run("kill", "killed").exitCode);
            await(running, m -> !m.containsKey(killed), "the exit of a container's own process");

            assertEquals(0, cli.run("stop", "-t", "1", "before").exitCode);
            await(running, m -> !m.containsKey(before), "a stop");
            assertEquals(states(new Containers(c)), states(new Containers(c, running)),
                    "a listing through it says what one that asks containerd says");
        } finally {
            cli.run("rm", "-f", "before", "after", "killed");
        }
    }

    @Test
    void listingsDoNotTrustItWhileContainerdIsDownAndItCatchesUpAfter() throws Exception {
        String kept = runDetached("kept", "sleep", "1000");
        List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Containerd c = containerd.connect(); RunningTasks running = RunningTasks.follow(c, said::add)) {
            await(running, m -> true, "in step with containerd");
            List<Boolean> outOfStepWhileDown = new ArrayList<>();
            containerd.restart(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
                while (running.now().isPresent() && System.nanoTime() < deadline) {
                    sleep();
                }
                outOfStepWhileDown.add(running.now().isEmpty());
            });
            assertEquals(List.of(true), outOfStepWhileDown, "out of step once containerd's stream broke");
            await(running, m -> true, "in step again");
            assertEquals(1, said.size(), "one line for the outage, not one per retry: " + said);
            assertTrue(said.get(0).contains("task events stopped"), said.get(0));
            assertTrue(running.now().orElseThrow().containsKey(kept), "the task that ran through the restart");
            assertEquals(0, cli.run("rm", "-f", "kept").exitCode);
            await(running, m -> !m.containsKey(kept), "a removal after the restart");
        } finally {
            cli.run("rm", "-f", "kept");
        }
    }

    private static String runDetached(String name, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--net", "none", "--name", name, TestImages.NAME));
        args.addAll(List.of(command));
        Cli.Result run = cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode, run.toString());
        return run.out.trim();
    }

    private static Map<String, Process> await(RunningTasks running, Predicate<Map<String, Process>> seen, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        while (true) {
            Optional<Map<String, Process>> now = running.now();
            if (now.isPresent() && seen.test(now.get())) {
                return now.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen in " + SETTLE_SECONDS + " s: " + what + "; now " + now);
            }
            sleep();
        }
    }

    private static List<String> states(Containers containers) {
        return containers.summaries().stream().map(s -> s.name() + " " + s.state() + " " + s.exitCode()).toList();
    }

    private static void ctr(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", containerd.socket().toString(), "--namespace",
                containerd.namespace()));
        cmd.addAll(List.of(args));
        java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ctr " + String.join(" ", args));
        assertEquals(0, p.exitValue(), "ctr " + String.join(" ", args) + ": " + out);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
