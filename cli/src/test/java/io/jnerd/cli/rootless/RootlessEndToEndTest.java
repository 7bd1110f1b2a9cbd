package io.jnerd.cli.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.RootlessUser;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.rootless.HostCommands;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassStatsReport;
import io.jnerd.netns.bypassd.FdHolder;
import io.jnerd.netns.testhost.AcceptGaps;
import io.jnerd.netns.testhost.TestHostNamespace;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jnerd as an ordinary user end to end: rootless containerd started and stopped by
 * {@code jnerd rootless}, images loaded, containers run with their exit codes, output and
 * logs, slirp4netns reaching a test host and publishing a port, and rro over a submount. Runs after packaging (the shaded jar, one
 * JVM per command, as in real use); the containerd it starts is stopped in {@link #stop()}.
 */
@Tag("rootless")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootlessEndToEndTest {
    private static final int PEER_ECHO_PORT = 7100;
    private static RootlessUser user;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        user = RootlessUser.get();
        user.jnerd("rootless", "stop"); // one left over by an aborted run
        RootlessUser.Result started = user.jnerd("rootless", "start");
        assertEquals(0, started.status(), started.describe());
        Path archive = TestImages.busyboxArchive(tmp);
        RootlessUser.Result load = user.jnerdWithInput(Files.readAllBytes(archive), "load");
        assertEquals(0, load.status(), load.describe());
        assertEquals("Loaded image: docker.io/" + TestImages.NAME + "\n", load.out());
    }

    @AfterAll
    static void stop() throws Exception {
        if (user != null) {
            RootlessUser.Result stopped = user.jnerd("rootless", "stop");
            assertEquals(0, stopped.status(), stopped.describe());
        }
    }

    @Test
    @Order(1)
    void checkPassesAndStatusShowsTheRunningContainerd() throws Exception {
        RootlessUser.Result check = user.jnerd("rootless", "check");
        assertEquals(0, check.status(), check.describe());
        assertTrue(check.out().contains("✓ ordinary user"), check.out());
        RootlessUser.Result status = user.jnerd("rootless", "status");
        assertEquals(0, status.status(), status.describe());
        assertTrue(status.out().startsWith("running: pid "), status.out());
        assertTrue(status.out().contains("/containerd/containerd.sock"), status.out());
    }

    @Test
    @Order(2)
    void runGivesTheContainersOutputAndExitCode() throws Exception {
        RootlessUser.Result echo = user.jnerd("run", "--rm", TestImages.NAME, "echo", "hi");
        assertEquals(0, echo.status(), echo.describe());
        assertEquals("hi\n", echo.out());
        RootlessUser.Result exit = user.jnerd("run", "--rm", TestImages.NAME, "sh", "-c", "id -u; exit 7");
        assertEquals(7, exit.status(), exit.describe());
        assertEquals("0\n", exit.out(), "root of the container's user namespace");
        // -u by name: looked up in the image's /etc/passwd, read from containerd's content store.
        RootlessUser.Result nobody = user.jnerd("run", "--rm", "-u", "nobody", TestImages.NAME, "id", "-u");
        assertEquals(0, nobody.status(), nobody.describe());
        assertEquals("65534\n", nobody.out());
    }

    @Test
    @Order(8)
    void demoMeasuresHostSlirp4netnsAndBypass4netnsAgainstATestHost() throws Exception {
        assumeTrue(ContainerdAddress.isRoot(), "the test-host namespace needs root (this runs as an ordinary user)");
        try (TestHostNamespace testHost = TestHostNamespace.create()) {
            testHost.startIperf3(5201);
            RootlessUser.Result demo = user.jnerd("demo", "--target", testHost.address().getHostAddress() + ":5201",
                    "--seconds", "1");
            assertEquals(0, demo.status(), demo.describe());
            for (String path : new String[] {"host", "slirp4netns", "bypass4netns"}) {
                assertTrue(demo.out().lines().anyMatch(l -> l.matches(path + ": +[0-9.]+ Gbit/s")), demo.describe());
            }
            assertTrue(demo.out().lines().anyMatch(l -> l.matches("ratio bypass4netns / host: [0-9.]+")), demo.describe());
            assertTrue(demo.out().lines().anyMatch(l -> l.matches("ratio bypass4netns / slirp4netns: [0-9.]+")),
                    demo.describe());
            // The rootless agent must read the container's filter (its bundle lies in rootlesskit's
            // mount namespace) or it switches nothing and bypass4netns is slirp4netns in disguise.
            assertFalse(demo.err().contains("cannot tell what the seccomp filter") || demo.err().contains("nothing is switched"),
                    "the bypass read the container's filter and switched: " + demo.describe());
            assertTrue(demo.out().contains("started rootless containerd") && demo.out().contains("stopped rootless containerd"),
                    "the demo stops the containerd it started: " + demo.describe());
        }
    }

    @Test
    @Order(3)
    void detachedContainerLogsAndIsRemovedWhileRunning() throws Exception {
        RootlessUser.Result run = user.jnerd("run", "-d", "--net=none", "--name", "rootless-d", TestImages.NAME,
                "sh", "-c", "echo logged; sleep 60");
        assertEquals(0, run.status(), run.describe());
        RootlessUser.Result ps = user.jnerd("ps");
        assertTrue(ps.out().contains("rootless-d"), ps.describe());
        RootlessUser.Result logs = awaitLogs("rootless-d", "logged");
        assertEquals("logged\n", logs.out(), logs.describe());
        RootlessUser.Result rm = user.jnerd("rm", "-f", "rootless-d");
        assertEquals(0, rm.status(), rm.describe());
        assertTrue(!user.jnerd("ps", "-a").out().contains("rootless-d"), "removed");

        // -d --rm: the keeper removes it through the rootless containerd once it exited.
        RootlessUser.Result exits = user.jnerd("run", "-d", "--rm", "--net=none", "--name", "rootless-d-rm",
                TestImages.NAME, "true");
        assertEquals(0, exits.status(), exits.describe());
        for (int i = 0; i < 50 && user.jnerd("ps", "-a").out().contains("rootless-d-rm"); i++) {
            Thread.sleep(200);
        }
        assertTrue(!user.jnerd("ps", "-a").out().contains("rootless-d-rm"), "removed by its keeper");
    }

    /** The container's log once it contains {@code expected}, or what it holds after about 10 s. */
    private static RootlessUser.Result awaitLogs(String name, String expected) throws Exception {
        RootlessUser.Result logs = user.jnerd("logs", name);
        for (int i = 0; i < 50 && !logs.out().contains(expected); i++) {
            Thread.sleep(200);
            logs = user.jnerd("logs", name);
        }
        return logs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"slirp4netns", "bypass4netns"})
    @Order(4)
    void networkModeReachesATestHost(String mode, @TempDir Path docroot) throws Exception {
        try (TestHostNamespace testHost = testHostServing(docroot)) {
            RootlessUser.Result get = user.jnerd("run", "--rm", "--net=" + mode, TestImages.NAME, "wget", "-qO-",
                    indexUrl(testHost));
            assertEquals(0, get.status(), get.describe());
            assertEquals("from the test host\n", get.out());
        }
    }

    /** As an ordinary user too: the keeper serves the bypass (no bypassd) after jnerd exited; rm -f ends it all. */
    @Test
    @Order(4)
    void detachedBypass4netnsReachesATestHostUntilRmForce(@TempDir Path docroot) throws Exception {
        try (TestHostNamespace testHost = testHostServing(docroot)) {
            RootlessUser.Result run = user.jnerd("run", "-d", "--net=bypass4netns", TestImages.NAME, "sh", "-c",
                    "timeout 10 wget -qO- " + indexUrl(testHost) + "; sleep 60");
            assertEquals(0, run.status(), run.describe());
            String id = run.out().trim();
            RootlessUser.Result logs = awaitLogs(id, "test host");
            assertEquals("from the test host\n", logs.out(), logs.describe());
            assertTrue(Leftovers.processesOf(id).contains("slirp4netns"), Leftovers.processesOf(id));
            RootlessUser.Result rm = user.jnerd("rm", "-f", id);
            assertEquals(0, rm.status(), rm.describe());
            assertEquals("", Leftovers.processesOf(id), "no slirp4netns left after rm -f");
        }
    }

    /**
     * The user's own {@code jnerd bypassd} killed (SIGKILL) and stopped (SIGTERM) under a
     * {@code jnerd run -d --net=bypass4netns} container that connects to a test host every
     * 10 ms, each time started again 2 s later: no connect fails, every connect after a
     * restart is switched by the new daemon (its stats) and comes from the host side, and the
     * longest pause the test host saw is printed. Rootless, the daemon's fd holder, its ptrace
     * of the container's threads and its pidfd_getfd all act on processes of the user's
     * rootlesskit user namespace.
     */
    @Test
    @Order(4)
    void aBypassSurvivesTheUsersBypassdKilledAndStopped(@TempDir Path tmp) throws Exception {
        assumeTrue(ContainerdAddress.isRoot(), "the test-host namespace needs root (this runs as an ordinary user)");
        Path socket = user.runtimeDir().resolve("bypass4netnsd.sock");
        BypassClient bypassd = new BypassClient(socket);
        Path accepts = tmp.resolve("accepts.log");
        String id = null;
        Process daemon = startBypassd(tmp, 0, bypassd);
        try (TestHostNamespace testHost = TestHostNamespace.create()) {
            testHost.startPeerAddressEcho(PEER_ECHO_PORT, accepts);
            // Beside it, a connect to an address of the test host's subnet nobody has: the daemon
            // holds each one about 3 s (until ARP gives up: EHOSTUNREACH), so a daemon is
            // stopped or killed with one received and unanswered.
            byte[] a = testHost.address().getAddress();
            String nobody = (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".99";
            RootlessUser.Result run = user.jnerd("run", "-d", "--net=bypass4netns", TestImages.NAME, "sh", "-c",
                    "(while :; do nc -w 20 " + nobody + " 9 </dev/null; echo \"slow $?\"; done) &"
                            + " while :; do if r=$(nc -w 10 " + testHost.address().getHostAddress() + " " + PEER_ECHO_PORT
                            + " </dev/null); then echo \"ok $r\"; else echo FAIL; fi; usleep 10000; done");
            assertEquals(0, run.status(), run.describe());
            id = run.out().trim();
            assertEquals(id, bypassd.list().get(0).id(), "the user's bypassd serves the container's bypass");
            awaitConnects(id, 3, tmp);
            awaitLines(id, "slow ", 1, tmp);
            for (int i = 1; i <= 2; i++) {
                ProcessHandle jvm = bypassdJvm(daemon);
                if (i == 1) {
                    jvm.destroyForcibly();
                } else {
                    jvm.destroy();
                }
                assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "bypassd " + i + " ends");
                Thread.sleep(2_000);
                int before = awaitConnects(id, 0, tmp);
                int slowBefore = awaitLines(id, "slow ", 0, tmp);
                daemon = startBypassd(tmp, i, bypassd);
                int after = awaitConnects(id, before + 20, tmp);
                // The held connect was given to the new daemon: the slow loop goes on.
                awaitLines(id, "slow ", slowBefore + 2, tmp);
                BypassStatsReport stats = bypassd.stats(id);
                // One connect the old daemon switched may print its line after "before" was counted.
                assertTrue(stats.connectsSwitched() >= after - before - 1, "bypassd " + i + " switched "
                        + stats.connectsSwitched() + " of the " + (after - before) + " connects since it started: " + stats
                        + "\n" + read(tmp.resolve("bypassd-" + i + ".log")) + "\nkilled " + jvm.info());
            }
            for (int i = 1; i <= 2; i++) {
                read(tmp.resolve("bypassd-" + i + ".log")).lines().filter(l -> l.contains("notified call"))
                        .forEach(l -> System.out.println("rootless bypassd restart: " + l));
            }
            String hostSide = testHost.hostAddress().getHostAddress();
            String logs = user.jnerd("logs", id).out();
            assertTrue(logs.lines().filter(l -> l.startsWith("ok ")).allMatch(("ok " + hostSide)::equals),
                    "every connect came from " + hostSide + ": " + logs);
            // A connect a daemon received and never answered would wait until nc's own alarm.
            assertFalse(logs.contains("timed out"), () -> "a held connect was never answered: " + logs + bypassdLogs(tmp));
            System.out.println("rootless bypassd restart: " + logs.lines().filter(l -> l.startsWith("ok ")).count()
                    + " connects, none failed; "
                    + AcceptGaps.read(accepts));
            RootlessUser.Result rm = user.jnerd("rm", "-f", id);
            assertEquals(0, rm.status(), rm.describe());
            id = null;
            assertEquals(List.of(), bypassd.list(), "rm -f removed the bypass from the restarted bypassd");
        } finally {
            if (id != null) {
                user.jnerd("rm", "-f", id);
            }
            bypassdJvm(daemon).destroy();
            assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "bypassd stops on SIGTERM");
        }
        // Holding nothing, with no daemon connected, the fd holder ends.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(FdHolder.class.getName()
                + " " + socket + ".state"))) {
            assertTrue(System.nanoTime() < deadline, "the user's fd holder ends once it holds nothing");
            Thread.sleep(50);
        }
    }

    /** {@code jnerd bypassd} as the user; returns once it answers on its socket. */
    private static Process startBypassd(Path tmp, int generation, BypassClient client) throws Exception {
        Path log = tmp.resolve("bypassd-" + generation + ".log");
        long started = System.nanoTime();
        Process daemon = user.spawn(log, "bypassd");
        long deadline = started + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                client.list();
                System.out.println("rootless bypassd restart: bypassd " + generation + " serves after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
                return daemon;
            } catch (IOException notYet) {
                assertTrue(daemon.isAlive() && System.nanoTime() < deadline, () -> "bypassd listens: " + read(log));
                Thread.sleep(20);
            }
        }
    }

    /** The bypassd JVM itself: as root, {@code spawn} starts it under runuser. */
    private static ProcessHandle bypassdJvm(Process spawned) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(spawned.toHandle()), spawned.descendants())
                .filter(p -> p.info().arguments().map(a -> a.length > 0 && a[a.length - 1].equals("bypassd")).orElse(false)
                        && p.info().command().orElse("").endsWith("/java"))
                .findFirst().orElse(spawned.toHandle());
    }

    /** Waits for {@code count} "ok" lines in the container's log (none may say FAIL); returns how many there are. */
    private static int awaitConnects(String id, int count, Path daemonLogs) throws Exception {
        return awaitLines(id, "ok ", count, daemonLogs);
    }

    /**
     * Waits for {@code count} lines starting with {@code prefix} in the container's log (none
     * may say FAIL); returns how many. A failure shows the logs of the bypassds in {@code daemonLogs}.
     */
    private static int awaitLines(String id, String prefix, int count, Path daemonLogs) throws Exception {
        // The log file jnerd logs prints (raw text), read directly: a jnerd JVM per look would
        // stretch the gap the test means to make.
        Path log = user.runtimeDir().resolve("jnerd/default/" + id + "/container.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String logs = Files.readString(log);
            assertFalse(logs.contains("FAIL"), () -> "a connect failed: " + logs + bypassdLogs(daemonLogs));
            int lines = (int) logs.lines().filter(l -> l.startsWith(prefix)).count();
            if (lines >= count) {
                return lines;
            }
            assertTrue(System.nanoTime() < deadline, () -> "no " + count + " lines \"" + prefix + "\" in 60 s: " + logs
                    + bypassdLogs(daemonLogs));
            Thread.sleep(20);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String bypassdLogs(Path dir) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; Files.exists(dir.resolve("bypassd-" + i + ".log")); i++) {
            out.append("\n--- bypassd ").append(i).append(":\n").append(read(dir.resolve("bypassd-" + i + ".log")));
        }
        return out.toString();
    }

    /** A test host serving "from the test host" as {@link #indexUrl}; skips unless root (which makes the namespace). */
    private static TestHostNamespace testHostServing(Path docroot) throws Exception {
        assumeTrue(ContainerdAddress.isRoot(), "the test-host namespace needs root (this runs as an ordinary user)");
        Files.setPosixFilePermissions(docroot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(docroot.resolve("index.html"), "from the test host\n");
        TestHostNamespace testHost = TestHostNamespace.create();
        try {
            testHost.startHttpd(docroot, 8080);
            return testHost;
        } catch (Exception e) {
            testHost.close();
            throw e;
        }
    }

    private static String indexUrl(TestHostNamespace testHost) {
        return "http://" + testHost.address().getHostAddress() + ":8080/index.html";
    }

    @Test
    @Order(4)
    void publishedPortReachesTheContainerThroughSlirp4netns() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int chosen = port;
        CompletableFuture<RootlessUser.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return user.jnerd("run", "--rm", "--net=slirp4netns", "-p", "127.0.0.1:" + chosen + ":8080",
                        TestImages.NAME, "sh", "-c", "echo hello-from-rootless | nc -l -p 8080");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String got = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!got.startsWith("hello") && System.nanoTime() < deadline && !run.isDone()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                got = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertEquals("hello-from-rootless\n", got, run.isDone() ? run.get().describe() : "still running");
        RootlessUser.Result r = run.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.status(), r.describe());
    }

    @Test
    @Order(5)
    void rroMakesASubmountReadOnlyToo(@TempDir Path tree) throws Exception {
        assumeTrue(ContainerdAddress.isRoot(), "the submount (a tmpfs) needs root (this runs as an ordinary user)");
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sub = Files.createDirectory(tree.resolve("sub"));
        HostCommands.run(java.util.List.of("mount", "-t", "tmpfs", "-o", "mode=0777", "jnerd-rro-test", sub.toString()));
        try {
            RootlessUser.Result write = user.jnerd("run", "--rm", "-v", tree + ":/data:rro", TestImages.NAME, "sh", "-c",
                    "touch /data/sub/f 2>&1; touch /data/f 2>&1; true");
            assertEquals(0, write.status(), write.describe());
            assertEquals("touch: /data/sub/f: Read-only file system\ntouch: /data/f: Read-only file system\n", write.out());
            assertTrue(Files.notExists(sub.resolve("f")), "nothing written to the submount");
        } finally {
            HostCommands.run(java.util.List.of("umount", sub.toString()));
        }
    }

    /**
     * --restart=always across {@code jnerd rootless stop} and {@code start}, the container
     * killed while containerd is down: the network keeper waits for containerd to answer again
     * and starts it with its network, the published port answering again.
     */
    @Test
    @Order(5)
    void alwaysComesBackWithItsPortAfterTheRootlessContainerdRestarts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RootlessUser.Result run = user.jnerd("run", "-d", "--restart=always", "-p", "127.0.0.1:" + port + ":8080",
                TestImages.NAME, "sh", "-c", "while :; do echo hello-again | nc -l -p 8080; done");
        assertEquals(0, run.status(), run.describe());
        String id = run.out().trim();
        assertEquals("hello-again\n", PublishedPort.read(port, Duration.ofSeconds(30), () -> false));
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\"Pid\" : (\\d+)")
                .matcher(user.jnerd("inspect", id).out());
        assertTrue(pid.find(), "inspect gives the init's pid");
        assertEquals(0, user.jnerd("rootless", "stop").status());
        // The shim outlives containerd: the container dies while containerd is down.
        ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow().destroyForcibly();
        assertEquals(0, user.jnerd("rootless", "start").status());
        assertEquals("hello-again\n", PublishedPort.read(port, Duration.ofSeconds(60), () -> false),
                "started again with its network once containerd answers");
        RootlessUser.Result inspect = user.jnerd("inspect", id);
        assertTrue(inspect.out().contains("\"io.jnerd/restart-count\" : \"1\""), "it died and was restarted once: "
                + inspect.out());
        RootlessUser.Result rm = user.jnerd("rm", "-f", id);
        assertEquals(0, rm.status(), rm.describe());
        assertEquals("", Leftovers.processesOf(id), "no slirp4netns left after rm -f");
    }

    @Test
    @Order(6)
    void rmiRemovesTheImage() throws Exception {
        RootlessUser.Result rmi = user.jnerd("rmi", TestImages.NAME);
        assertEquals(0, rmi.status(), rmi.describe());
        assertTrue(!user.jnerd("images").out().contains("jnerd-test/busybox"), "image gone");
    }

    @Test
    @Order(7)
    void stopEndsItAndStatusSaysSo() throws Exception {
        RootlessUser.Result stop = user.jnerd("rootless", "stop");
        assertEquals(0, stop.status(), stop.describe());
        assertEquals("rootless containerd stopped\n", stop.out());
        RootlessUser.Result status = user.jnerd("rootless", "status");
        assertEquals(1, status.status(), status.describe());
    }
}
