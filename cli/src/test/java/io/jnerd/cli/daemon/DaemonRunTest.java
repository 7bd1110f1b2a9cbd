package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.Main;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.netns.testhost.TestHostNamespace;
import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker run} and what goes with it (start, restart, attach, events, logs) through
 * {@code jnerd daemon}, one daemon process over a real containerd for the class, driven by
 * the real docker CLI (client only; no dockerd).
 */
@Tag("privileged")
class DaemonRunTest {
    static ContainerdFixture containerd;
    @TempDir
    static Path tmp;
    static Process daemon;
    static Path daemonLog;
    static DockerCli docker;
    static Path src;
    static TestHostNamespace testHost;
    private static final int HTTP_PORT = 8080;
    private static final int ECHO_PORT = 7;

    @BeforeAll
    static void start() throws Exception {
        DockerCli.binary();
        containerd = ContainerdFixture.start();
        Cli cli = new Cli(containerd, tmp.resolve("state"));
        assertEquals(0, cli.run("load", "-q", "-i", TestImages.busyboxArchive(tmp).toString()).exitCode);
        Path socket = tmp.resolve("api/docker.sock");
        daemonLog = tmp.resolve("daemon.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "daemon", "--debug", "--host", "unix://" + socket));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(daemonLog.toFile());
        pb.environment().putAll(containerd.env(tmp.resolve("state")));
        daemon = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(daemon.isAlive() && System.nanoTime() < deadline, () -> "no daemon socket: " + log());
            Thread.sleep(50);
        }
        Files.createDirectories(tmp.resolve("docker"));
        docker = new DockerCli(socket, tmp.resolve("docker"));
        src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("sub"));
        exec("mount", "-t", "tmpfs", "-o", "size=1m", "jnerd-daemon-test-sub", src.resolve("sub").toString());
        testHost = TestHostNamespace.create();
        Path docroot = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(docroot.resolve("index.html"), "hello-from-test-host\n");
        testHost.startHttpd(docroot, HTTP_PORT);
        testHost.startTcpEcho(ECHO_PORT);
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testHost != null) {
            testHost.close();
        }
        if (src != null) {
            exec("umount", src.resolve("sub").toString());
        }
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
        if (containerd != null) {
            containerd.close();
        }
    }

    static String log() {
        try {
            return Files.readString(daemonLog, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static DockerCli.Result docker(String... args) throws Exception {
        return docker.run(Map.of(), args);
    }

    @Test
    void runExitsWithTheProcessStatusAndDockersOwnCodes() throws Exception {
        DockerCli.Result ok = docker("run", "--rm", "--net", "none", TestImages.NAME, "sh", "-c", "echo out; echo err >&2");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals("out\n", ok.out());
        assertEquals("err\n", ok.err());
        DockerCli.Result seven = docker("run", "--rm", "--net", "none", TestImages.NAME, "sh", "-c", "exit 7");
        assertEquals(7, seven.exit(), seven.toString());

        DockerCli.Result notFound = docker("run", "--rm", "--net", "none", TestImages.NAME, "no-such-command");
        assertEquals(127, notFound.exit(), notFound.toString());
        assertTrue(notFound.err().contains("no-such-command"), notFound.err());
        DockerCli.Result notExecutable = docker("run", "--net", "none", "--name", "dir", TestImages.NAME, "/etc");
        assertEquals(126, notExecutable.exit(), notExecutable.toString());
        DockerCli.Result kept = docker("inspect", "--format", "{{.State.ExitCode}}", "dir");
        assertEquals("126\n", kept.out(), "moby keeps the start failure's code: " + kept);
        assertEquals(0, docker("rm", "dir").exit());

        DockerCli.Result noImage = docker("run", "--rm", "--pull", "never", "127.0.0.1:1/no/such:image", "true");
        assertEquals(125, noImage.exit(), noImage.toString());
        assertTrue(noImage.err().contains("No such image: 127.0.0.1:1/no/such:image"), noImage.err());
        DockerCli.Result badFlag = docker("run", "--no-such-flag", TestImages.NAME, "true");
        assertEquals(125, badFlag.exit(), badFlag.toString());
        DockerCli.Result badNetwork = docker("run", "--rm", "--net", "nonsense", TestImages.NAME, "true");
        assertEquals(125, badNetwork.exit(), badNetwork.toString());
        assertTrue(badNetwork.err().contains("nonsense"), badNetwork.err());

        DockerCli.Result all = docker("ps", "-a", "-q");
        assertEquals("", all.out(), "--rm removed every run, also the one whose start failed: " + all);
        Leftovers.assertNone(containerd);
    }

    @Test
    void stdinReachesTheContainerAndItsEndDoesNotLoseOutput() throws Exception {
        DockerCli.Result r = docker.runWithInput("hi\nthere\n".getBytes(StandardCharsets.UTF_8), Map.of(), "run", "--rm",
                "-i", "--net", "none", TestImages.NAME,
                "sh", "-c", "cat; echo after-eof");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hi\nthere\nafter-eof\n", r.out());
    }

    @Test
    void ttyGivesTheContainerATerminal() throws Exception {
        DockerCli.Result r = docker.runInTerminal("run", "--rm", "-t", "--net", "none", TestImages.NAME, "sh", "-c",
                "tty; exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("/dev/pts/0"), r.out());
    }

    @Test
    void detachedRunPublishesAnyFreePortShowsInPsAndItsLogIsFollowed() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
        DockerCli.Result d = docker("run", "-d", "--name", "web", "-p", "127.0.0.1::80", TestImages.NAME, "sh", "-c",
                "echo started; echo served | nc -l -p 80; echo done");
        assertEquals(0, d.exit(), d.toString());
        assertTrue(d.out().trim().matches("[0-9a-f]{64}"), d.out());
        DockerCli.Result port = docker("inspect", "--format",
                "{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}} {{.HostConfig.NetworkMode}}", "web");
        assertTrue(port.out().matches("[1-9][0-9]* slirp4netns\n"), port.toString());
        int hostPort = Integer.parseInt(port.out().split(" ")[0]);
        DockerCli.Result ps = docker("ps", "--format", "{{.Names}} {{.Ports}} {{.State}}");
        assertEquals("web 127.0.0.1:" + hostPort + "->80/tcp running\n", ps.out(), ps.toString());
        Path followed = tmp.resolve("logs-f.txt");
        Process logs = docker.spawn(followed, "logs", "-f", "web");
        assertEquals("served\n", PublishedPort.read(hostPort, Duration.ofSeconds(30), () -> false));
        DockerCli.Result waited = docker("wait", "web");
        assertEquals("0\n", waited.out(), waited.toString());
        assertTrue(logs.waitFor(30, TimeUnit.SECONDS), "logs -f ends with the container");
        assertEquals("started\ndone\n", Files.readString(followed));
        assertEquals(0, docker("rm", "web").exit());
        Leftovers.assertNone(containerd);
    }

    @Test
    void restartRunsItAgainAndEventsReportStartDieDestroy() throws Exception {
        Path events = tmp.resolve("events.txt");
        Process listening = docker.spawn(events, "events", "--filter", "container=again", "--format",
                "{{.Action}} {{.Actor.Attributes.name}}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!log().contains("GET /v1.44/events")) {
            assertTrue(listening.isAlive() && System.nanoTime() < deadline, () -> "docker events did not connect: " + log());
            Thread.sleep(50);
        }
        try {
            DockerCli.Result d = docker("run", "-d", "--name", "again", "--net", "none", TestImages.NAME, "sh", "-c",
                    "echo run; exec sleep 300");
            assertEquals(0, d.exit(), d.toString());
            DockerCli.Result restart = docker("restart", "-t", "1", "again");
            assertEquals(0, restart.exit(), restart.toString());
            DockerCli.Result state = docker("inspect", "--format", "{{.State.Status}}", "again");
            assertEquals("running\n", state.out(), state.toString());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!docker("logs", "again").out().equals("run\nrun\n") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("run\nrun\n", docker("logs", "again").out(), "one log for both runs");
            assertEquals(0, docker("rm", "-f", "again").exit());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(events).contains("destroy") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            listening.destroy();
            listening.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals("create again\nstart again\ndie again\nstart again\ndie again\ndestroy again\n",
                Files.readString(events));
        Leftovers.assertNone(containerd);
    }

    @Test
    void rroBindMakesTheSubmountReadOnlyToo() throws Exception {
        DockerCli.Result r = docker("run", "--rm", "--net", "none", "-v", src + ":/data:rro", TestImages.NAME, "sh", "-c",
                "touch /data/file 2>&1 || true; touch /data/sub/file 2>&1 || true; echo done");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(2, r.out().split("Read-only file system", -1).length - 1, r.out());
    }

    @Test
    void bypass4netnsReachesTheTestHostWithSwitchedSockets() throws Exception {
        assumeTrue(io.jnerd.nativebindings.KernelFeatures.bypass4netns().available(),
                () -> "bypass4netns: " + io.jnerd.nativebindings.KernelFeatures.bypass4netns().reason());
        String echo = testHost.address().getHostAddress() + " " + ECHO_PORT;
        // The fetch first (a loaded machine may take a while for its first switched connect), then
        // a connection held open while the container's own TCP table is read.
        String fetch = "timeout 20 wget -q -O- http://" + testHost.address().getHostAddress() + ":" + HTTP_PORT
                + "/ || exit 9; (sleep 3 | nc " + echo + " >/dev/null) & sleep 2; echo ---; cat /proc/net/tcp; wait";
        byte[] a = testHost.address().getAddress();
        String echoInProcNetTcp = String.format("%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0], ECHO_PORT);
        for (String[] how : new String[][] {{"--net", "bypass4netns"}, {"--label", "nerdctl/bypass4netns=true"}}) {
            DockerCli.Result r = docker("run", "--rm", how[0], how[1], TestImages.NAME, "sh", "-c", fetch);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("hello-from-test-host\n"), r.out());
            assertTrue(r.out().contains("---"), r.out());
            assertFalse(r.out().contains(echoInProcNetTcp), "switched: not in the container's netns: " + r.out());
        }
        DockerCli.Result control = docker("run", "--rm", "--net", "slirp4netns", TestImages.NAME, "sh", "-c", fetch);
        assertTrue(control.out().contains(echoInProcNetTcp), "without the bypass it is there: " + control);
        Leftovers.assertNone(containerd);
    }

    @Test
    void aRestartPolicyIsCarriedOutByTheKeeperForTheDaemonsContainers() throws Exception {
        DockerCli.Result d = docker("run", "-d", "--name", "again-and-again", "--restart", "on-failure:2", "--net", "none",
                TestImages.NAME, "sh", "-c", "echo ran; exit 3");
        assertEquals(0, d.exit(), d.toString());
        String state = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!state.equals("2 exited 3 on-failure 2\n") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            state = docker("inspect", "--format", "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}"
                    + " {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}",
                    "again-and-again").out();
        }
        try {
            assertEquals("2 exited 3 on-failure 2\n", state, log());
            // The shim copies a run's output to the log on its own; its exit may be seen first.
            String logs = "";
            while (!logs.equals("ran\nran\nran\n") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                logs = docker("logs", "again-and-again").out();
            }
            assertEquals("ran\nran\nran\n", logs, "the first run and two restarts");
        } finally {
            assertEquals(0, docker("rm", "-f", "again-and-again").exit());
        }
        Leftovers.assertNone(containerd);
    }
}
