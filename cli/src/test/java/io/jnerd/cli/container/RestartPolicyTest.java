package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.types.task.Process;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --restart} end to end (rootful): real containerd, runc, slirp4netns and the resident
 * network keeper; the container's process is killed for real, and containerd restarted.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartPolicyTest extends LoadedContainerd {
    /** A new connection answered "hello" each time, as long as the container runs. */
    private static final String SERVE = "while :; do echo hello | nc -l -p 80; done";

    @BeforeAll
    static void needsSlirp4netns() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
    }

    @Override
    @AfterEach
    protected void nothingLeftBehind() throws Exception {
        Leftovers.assertNone(containerd);
        awaitNoKeeper();
    }

    @Test
    void alwaysComesBackWithItsPortAfterAKillAndAContainerdRestartAndStopEndsIt() throws Exception {
        int port = freePort();
        Cli.Result run = cli.run("run", "-d", "--restart=always", "-p", "127.0.0.1:" + port + ":80", TestImages.NAME,
                "sh", "-c", SERVE);
        assertEquals(0, run.exitCode, run.toString());
        String id = run.out.trim();
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false));

        long killed = initPid(id);
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(5), () -> false),
                "back within 5 s of the kill, its port published again");
        assertNotEquals(killed, initPid(id), "a new init");

        long beforeRestart = initPid(id);
        containerd.restart(() -> ProcessHandle.of(beforeRestart).orElseThrow().destroyForcibly());
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(30), () -> false),
                "killed while containerd was down: started again once it is back, with its network");
        assertNotEquals(beforeRestart, initPid(id));
        assertEquals("2", label(id, ContainerLabels.RESTART_COUNT));

        Cli.Result stop = cli.run("stop", "-t", "1", id);
        assertEquals(0, stop.exitCode, stop.toString());
        assertTrue(task(id).isEmpty(), "stop deleted the task and the keeper did not start another");
        awaitNoKeeper();
        containerd.restart(() -> { });
        assertTrue(task(id).isEmpty(), "stays stopped across a containerd restart");
        assertTrue(cli.run("ps", "-a").out.contains("Exited"), "ps shows it stopped");
        assertEquals(0, cli.run("rm", id).exitCode);
    }

    @Test
    void onFailureTwoRunsThreeTimesAndAnExitZeroIsNotRestarted() throws Exception {
        Cli.Result failing = cli.run("run", "-d", "--restart=on-failure:2", TestImages.NAME, "sh", "-c", "echo ran; exit 1");
        assertEquals(0, failing.exitCode, failing.toString());
        Cli.Result fine = cli.run("run", "-d", "--restart=on-failure", TestImages.NAME, "sh", "-c", "echo ran; exit 0");
        assertEquals(0, fine.exitCode, fine.toString());
        awaitNoKeeper();
        String id = failing.out.trim();
        assertEquals("ran\nran\nran\n", cli.run("logs", id).out, "the first run and two restarts");
        assertEquals("2", label(id, ContainerLabels.RESTART_COUNT));
        assertEquals("ran\n", cli.run("logs", fine.out.trim()).out, "exit 0 is not a failure");
        String ps = cli.run("ps", "-a").out;
        assertTrue(ps.contains("Exited (1)") && ps.contains("Exited (0)"), ps);
        assertEquals(0, cli.run("rm", id, fine.out.trim()).exitCode);
    }

    /** start and restart of a slirp4netns container: the keeper attaches its network again, -p published again. */
    @Test
    void startAndRestartAttachTheNetworkAgain() throws Exception {
        int port = freePort();
        Cli.Result run = cli.run("run", "-d", "-p", "127.0.0.1:" + port + ":80", TestImages.NAME, "sh", "-c", SERVE);
        assertEquals(0, run.exitCode, run.toString());
        String id = run.out.trim();
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false));
        assertEquals(0, cli.run("stop", "-t", "1", id).exitCode);
        assertEquals("", PublishedPort.read(port, Duration.ofMillis(300), () -> false), "stopped: nothing publishes");

        Cli.Result start = cli.run("start", id);
        assertEquals(0, start.exitCode, start.toString());
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false), "start published it again");
        long started = initPid(id);

        Cli.Result restart = cli.run("restart", "-t", "1", id);
        assertEquals(0, restart.exitCode, restart.toString());
        assertNotEquals(started, initPid(id));
        assertEquals("hello\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false), "restart published it again");
        assertEquals(0, cli.run("rm", "-f", id).exitCode);
    }

    @Test
    void aPolicyDockerRefusesIsOneLine() {
        Cli.Result bad = cli.run("run", "-d", "--restart=sometimes", TestImages.NAME, "true");
        assertEquals(125, bad.exitCode, bad.toString());
        assertEquals("jnerd: invalid restart policy 'sometimes' (expected no, always, unless-stopped or on-failure[:N])\n",
                bad.err);
        Cli.Result withRm = cli.run("run", "-d", "--rm", "--restart=always", TestImages.NAME, "true");
        assertEquals(125, withRm.exitCode, withRm.toString());
        assertTrue(withRm.err.contains("--restart and --rm"), withRm.err);
    }

    /** Until no keeper of this state root runs: it exits once every container it held stays stopped. */
    private static void awaitNoKeeper() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!keepers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("", keepers(), "the keeper released every container and exited");
    }

    /** The pids of the keeper processes (JVM and watcher shell) of this test's state root. */
    private static String keepers() throws Exception {
        java.lang.Process pgrep = new ProcessBuilder("pgrep", "-f", "network-keeper .*--state-root=" + cli.stateDir())
                .redirectErrorStream(true).start();
        String found = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pgrep.waitFor();
        return found;
    }

    private static long initPid(String id) throws Exception {
        return task(id).orElseThrow().getPid();
    }

    private static Optional<Process> task(String id) throws Exception {
        try (Containerd c = containerd.connect()) {
            return new Containers(c).task(id);
        }
    }

    private static String label(String id, String key) throws Exception {
        try (Containerd c = containerd.connect()) {
            return new Containers(c).get(id).orElseThrow().getLabelsMap().get(key);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
