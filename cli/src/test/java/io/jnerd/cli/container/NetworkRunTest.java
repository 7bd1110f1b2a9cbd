package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.network.KeeperRecord;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassDaemon;
import io.jnerd.netns.bypassd.BypassStatus;
import io.jnerd.netns.testhost.TestHostNamespace;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jnerd run's network modes end to end (rootful): real containerd + runc, slirp4netns, the
 * socket switcher through a bypassd in this JVM or in jnerd run itself, and a test host in
 * a network namespace of its own (DESIGN.md, "The test network") as the remote side.
 */
@Tag("privileged")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NetworkRunTest {
    static final String IMAGE = TestImages.NAME;
    static final int HTTP_PORT = 8081;
    static final int ECHO_PORT = 7007;
    static ContainerdFixture containerd;
    static TestHostNamespace testHost;
    static BypassDaemon bypassd;
    static BypassClient bypassClient;
    @TempDir
    static Path tmp;
    static Cli cli;
    /** jnerd run finding the bypassd above (its XDG_RUNTIME_DIR). */
    static Cli withDaemon;
    /** jnerd run finding no bypassd: it serves the bypass itself. */
    static Cli withoutDaemon;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
        containerd = ContainerdFixture.start();
        cli = new Cli(containerd, tmp.resolve("state"));
        Cli.Result load = cli.run("load", "-q", "-i", TestImages.busyboxArchive(tmp).toString());
        assertEquals(0, load.exitCode, load.toString());
        testHost = TestHostNamespace.create();
        Path docroot = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(docroot.resolve("index.html"), "hello-from-test-host\n");
        testHost.startHttpd(docroot, HTTP_PORT);
        testHost.startTcpEcho(ECHO_PORT);
        Path runtimeDir = Files.createDirectories(tmp.resolve("xdg"));
        // jnerd run puts its agent sockets in its state dir (JNERD_STATE_DIR here).
        bypassd = new BypassDaemon(line -> { }, List.of(cli.stateDir()));
        bypassd.start(runtimeDir.resolve("bypass4netnsd.sock"));
        bypassClient = new BypassClient(runtimeDir.resolve("bypass4netnsd.sock"));
        withDaemon = cli.withEnv(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()));
        withoutDaemon = cli.withEnv(Map.of("XDG_RUNTIME_DIR", Files.createDirectories(tmp.resolve("xdg-empty")).toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (bypassd != null) {
                bypassd.close();
            }
            if (testHost != null) {
                testHost.close();
            }
        } finally {
            if (containerd != null) {
                containerd.close();
            }
        }
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        Leftovers.assertNone(containerd);
        assertEquals(List.of(), bypassClient.list(), "bypasses left in bypassd");
        assertEquals("", driversLeft(), "slirp4netns/pasta processes left");
        try (var dirs = Files.list(Files.createDirectories(tmp.resolve("state").resolve("net")))) {
            assertEquals(0, dirs.count(), "network dirs left");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!keepers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("", keepers(), "the resident keeper exits once it holds nothing");
    }

    /** The pids of this test's resident keeper and its watcher shell (named by its state root). */
    private static String keepers() throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-f", "network-keeper .*--state-root=" + tmp.resolve("state"))
                .redirectErrorStream(true).start();
        String found = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pgrep.waitFor();
        return found;
    }

    /**
     * Driver processes of this test's containers: their command lines name files in the
     * network dirs under this test's state dir (other tests on the host have their own).
     */
    private static String driversLeft() throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-af", tmp.resolve("state").resolve("net").toString())
                .redirectErrorStream(true).start();
        String found = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pgrep.waitFor();
        return found;
    }

    private static String url() {
        return "http://" + testHost.address().getHostAddress() + ":" + HTTP_PORT + "/";
    }

    /**
     * Fetches from the test host, then holds a TCP connection to its echo server open while
     * printing the container's own /proc/net/tcp: a switched socket is not in there.
     */
    private static String[] fetchAndShowSockets() {
        String echo = testHost.address().getHostAddress() + " " + ECHO_PORT;
        return new String[] {"sh", "-c", "timeout 10 wget -q -O- " + url() + " && (sleep 3 | nc " + echo
                + " >/dev/null) & sleep 1; echo ---; cat /proc/net/tcp; wait"};
    }

    /** The test host's echo server as /proc/net/tcp writes a remote address: little-endian hex IPv4, hex port. */
    private static String echoInProcNetTcp() {
        byte[] a = testHost.address().getAddress();
        return String.format("%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0], ECHO_PORT);
    }

    @Test
    void slirp4netnsIsTheDefaultAndReachesTheTestHostWithItsOwnEtcFiles() {
        Cli.Result r = cli.run("run", "--rm", "--hostname", "box1", IMAGE, "sh", "-c",
                "cat /etc/resolv.conf /etc/hostname; grep box1 /etc/hosts; timeout 10 wget -q -O- " + url());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("nameserver 10.0.2.3\nbox1\n10.0.2.100\tbox1"), r.out);
        assertTrue(r.out.endsWith("hello-from-test-host\n"), r.out);
        Cli.Result ro = cli.run("run", "--rm", IMAGE, "sh", "-c", "echo x > /etc/resolv.conf");
        assertEquals(1, ro.exitCode, "resolv.conf is read-only: " + ro);
    }

    @Test
    void pastaReachesTheTestHostWithTheHostsResolvers() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pasta")), "needs pasta (apt-get install passt)");
        Cli.Result r = cli.run("run", "--rm", "--net", "pasta", IMAGE, "sh", "-c",
                "cat /etc/resolv.conf; timeout 10 wget -q -O- " + url());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(Files.readString(Path.of("/etc/resolv.conf")) + "hello-from-test-host\n", r.out);
    }

    @Test
    void slirp4netnsSocketsAreInTheContainersNamespace() {
        Cli.Result r = cli.run(concat(new String[] {"run", "--rm", "--net", "slirp4netns", IMAGE}, fetchAndShowSockets()));
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("hello-from-test-host\n"), r.out);
        assertTrue(r.out.contains(echoInProcNetTcp()), "the connection is in the container's netns: " + r.out);
    }

    @Test
    void bypass4netnsThroughBypassdSwitchesTheConnections() throws Exception {
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() ->
                withDaemon.run(concat(new String[] {"run", "--rm", "--net", "bypass4netns", IMAGE}, fetchAndShowSockets())));
        long switched = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (switched < 2 && !run.isDone() && System.nanoTime() < deadline) {
            List<BypassStatus> bypasses = bypassClient.list();
            if (!bypasses.isEmpty()) {
                try {
                    switched = bypassClient.stats(bypasses.get(0).id()).connectsSwitched();
                } catch (IOException goneMeanwhile) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        Cli.Result r = run.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("hello-from-test-host\n"), r.out);
        assertFalse(r.out.contains(echoInProcNetTcp()), "a switched connection is not in the container's netns: " + r.out);
        assertEquals(2, switched, "bypassd counted the wget and the nc connection as switched");
    }

    @Test
    void nerdctlAnnotationWorksWithoutADaemon() {
        Cli.Result r = withoutDaemon.run(concat(new String[] {"run", "--rm", "--annotation", "nerdctl/bypass4netns=true",
                IMAGE}, fetchAndShowSockets()));
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("hello-from-test-host\n"), r.out);
        assertFalse(r.out.contains(echoInProcNetTcp()), "switched by jnerd run's own bypass: " + r.out);
        Cli.Result label = withoutDaemon.run("run", "--rm", "--label", "nerdctl/bypass4netns=1", IMAGE, "sh", "-c",
                "timeout 10 wget -q -O- " + url());
        assertEquals("hello-from-test-host\n", label.out, label.toString());
    }

    @Test
    void bypassKeepsTheHostsLoopbackOutOfReach() throws Exception {
        try (ServerSocket hostOnly = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Cli.Result r = withoutDaemon.run("run", "--rm", "--net", "bypass4netns", IMAGE, "sh", "-c",
                    "echo x | timeout 5 nc 127.0.0.1 " + hostOnly.getLocalPort() + " && echo reached");
            assertFalse(r.out.contains("reached"), "the host's 127.0.0.1 is not the container's: " + r);
        }
    }

    @Test
    void publishedPortReachesTheContainerInSlirp4netnsAndBypass4netns() throws Exception {
        for (String mode : new String[] {"slirp4netns", "bypass4netns"}) {
            int port = freePort();
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> withoutDaemon.run("run", "--rm",
                    "--net", mode, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c",
                    "echo hello-" + mode + " | nc -l -p 80"));
            assertEquals("hello-" + mode + "\n", readFromHost(port, run), mode);
            Cli.Result r = run.get(20, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode, mode + ": " + r);
            Leftovers.assertNone(containerd);
        }
    }

    @Test
    void noneHasOnlyLoopbackAndHostSeesTheHostsInterfaces() throws Exception {
        Cli.Result none = cli.run("run", "--rm", "--net=none", IMAGE, "ls", "/sys/class/net");
        assertEquals("lo\n", none.out, none.toString());
        Cli.Result host = cli.run("run", "--rm", "--net=host", IMAGE, "ls", "/sys/class/net");
        assertTrue(host.out.contains(testHostLinkPrefix()), "the test host's veth end is the host's: " + host);
    }

    @Test
    void badPublishAndBadBypassIgnoreAreOneLine125() {
        Cli.Result p = cli.run("run", "--rm", "-p", "99999:80", IMAGE, "true");
        assertEquals(125, p.exitCode, p.toString());
        assertEquals(1, p.err.lines().count(), p.err);
        Cli.Result ignore = cli.run("run", "--rm", "--net", "bypass4netns", "--bypass-ignore", "10.0.0.0/99", IMAGE, "true");
        assertEquals(125, ignore.exitCode, ignore.toString());
        assertEquals(1, ignore.err.lines().count(), ignore.err);
        Cli.Result conflict = cli.run("run", "--rm", "--net", "host", "--annotation", "nerdctl/bypass4netns=true", IMAGE, "true");
        assertEquals(125, conflict.exitCode, conflict.toString());
        assertEquals(1, conflict.err.lines().count(), conflict.err);
    }

    /**
     * Failing at task start (after the attach) and at task create (bypass up, no slirp4netns
     * yet): nothing left, also from a -d run's network keeper (checked after each test).
     */
    @ParameterizedTest
    @ValueSource(strings = {"--rm", "-d"})
    void aFailedStartRemovesTheBypassAndSlirp4netns(String lifetime) {
        Cli.Result r = withDaemon.run("run", lifetime, "--net", "bypass4netns", IMAGE, "/no/such/command");
        assertEquals(127, r.exitCode, r.toString());
        Cli.Result create = withoutDaemon.run("run", lifetime, "--net", "bypass4netns", "--runtime", "/no/such/runtime",
                IMAGE, "true");
        assertTrue(create.exitCode != 0 && create.err.contains("/no/such/runtime"), "task create failed: " + create);
    }

    @Test
    void detachedBypass4netnsThroughBypassdKeepsSwitchingUntilRmForce() throws Exception {
        int port = freePort();
        Cli.Result d = withDaemon.run("run", "-d", "--net=bypass4netns", "-p", "127.0.0.1:" + port + ":80", IMAGE,
                "sh", "-c", "sleep 1; timeout 10 wget -q -O- " + url() + "; echo served | nc -l -p 80; sleep 60");
        assertEquals(0, d.exitCode, d.toString());
        String id = d.out.trim();
        assertTrue(id.matches("[0-9a-f]{64}"), d.toString());
        assertEquals("served\n", readFromHost(port, new CompletableFuture<>()),
                "the published port after jnerd run -d returned");
        assertEquals("hello-from-test-host\n", awaitLogs(id, "hello"), "fetched after jnerd run -d returned");
        assertTrue(KeeperRecord.find(tmp.resolve("state").resolve(containerd.namespace()).resolve(id)).isPresent(),
                "the resident keeper holds the network");
        assertEquals(id, bypassClient.list().get(0).id(), "the keeper handed the bypass to bypassd");
        Cli.Result rm = cli.run("rm", "-f", id);
        assertEquals(0, rm.exitCode, rm.toString());
        assertFalse(Files.exists(tmp.resolve("state").resolve(containerd.namespace()).resolve(id)), "state dir removed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"slirp4netns", "pasta"})
    void detachedDriverPublishesAndLeavesNothingWhenTheContainerExits(String mode) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + mode)), "needs " + mode);
        int port = freePort();
        Cli.Result d = cli.run("run", "-d", "--net=" + mode, "-p", "127.0.0.1:" + port + ":80", IMAGE,
                "sh", "-c", "echo hello-detached | nc -l -p 80");
        assertEquals(0, d.exitCode, d.toString());
        String id = d.out.trim();
        assertEquals("hello-detached\n", readFromHost(port, new CompletableFuture<>()));
        Path stateDir = tmp.resolve("state").resolve(containerd.namespace()).resolve(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!driversLeft().isEmpty() || Files.exists(stateDir.resolve(KeeperRecord.FILE)))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("", driversLeft(), "the driver ends with the container");
        assertFalse(Files.exists(stateDir.resolve(KeeperRecord.FILE)), "the keeper's record is gone");
        Cli.Result ps = cli.run("ps", "-a");
        assertTrue(ps.out.contains("Exited (0)"), "the container stays until rm, as docker's: " + ps.out);
        assertEquals(0, cli.run("rm", id).exitCode);
    }

    /**
     * A keeper killed outright is started again by its watcher shell, and the new keeper
     * attaches the network of the container it finds running again (the pasta the dead one
     * left is stopped first; slirp4netns ended with it): the published port answers through
     * the new driver, and rm -f leaves nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"slirp4netns", "pasta"})
    void aKilledKeeperIsReplacedAndAttachesTheNetworkAgain(String mode) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + mode)), "needs " + mode);
        int port = freePort();
        Killed k = runDetachedAndKillItsKeeper(cli, "--net=" + mode, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c",
                "while :; do echo again | nc -l -p 80; done");
        awaitAnotherKeeper(k);
        assertEquals("again\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false),
                "the port answers through the network the new keeper attached");
        assertEquals(1, driversLeft().lines().count(), "one driver, the new keeper's: " + driversLeft());
        assertEquals(0, cli.run("rm", "-f", k.id()).exitCode);
    }

    /** bypassd keeps the bypass of a killed keeper: the new keeper attaches slirp4netns again; stop ends the bypass. */
    @Test
    void aBypassInBypassdOutlivesAKilledKeeperAndStopEndsIt() throws Exception {
        Killed k = runDetachedAndKillItsKeeper(withDaemon, "--net=bypass4netns", IMAGE, "sleep", "60");
        awaitAnotherKeeper(k);
        assertEquals(k.id(), bypassClient.list().get(0).id(), "still registered in bypassd");
        assertTrue(driversLeft().contains("slirp4netns"), "slirp4netns attached again: " + driversLeft());
        Cli.Result stop = withDaemon.run("stop", "-t", "1", k.id());
        assertEquals(0, stop.exitCode, stop.toString());
        assertEquals(List.of(), bypassClient.list(), "stop removed the bypass");
        assertEquals(0, withDaemon.run("rm", k.id()).exitCode);
    }

    /**
     * A bypass served in the killed keeper died with it (no process holds the container's
     * seccomp listener): the next keeper stops the container rather than leave it without a
     * working network, saying why in inspect and in its log.
     */
    @Test
    void aKilledKeepersOwnBypassStopsTheContainerWithItsReason() throws Exception {
        Killed k = runDetachedAndKillItsKeeper(withoutDaemon, "--net=bypass4netns", IMAGE, "sleep", "60");
        try {
            // The watcher's next keeper stops the container, records why (only a live keeper can),
            // releases it and exits; it may hold the container for less than a look takes on a
            // loaded machine, so its end state is what is waited for, not its keeper record.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((stopReason(k.id()) == null || !keepers().isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(stopReason(k.id()) != null, () -> "no keeper stopped it; the keepers' logs:\n" + keeperLogs());
            assertEquals("", keepers(), "the new keeper released the container and exited");
            assertTrue(cli.run("ps", "-a").out.contains("Exited (137)"), cli.run("ps", "-a").out);
            assertTrue(cli.run("inspect", k.id()).out.contains("\"io.jnerd/stop-reason\" : \"its network keeper was killed"),
                    cli.run("inspect", k.id()).out);
            assertTrue(cli.run("logs", k.id()).out.contains("jnerd: container stopped: its network keeper was killed"),
                    cli.run("logs", k.id()).out);
            assertEquals(0, cli.run("rm", k.id()).exitCode);
        } finally {
            // A failure here leaves nothing for the next test's check to trip over.
            cli.run("rm", "-f", k.id());
        }
    }

    private static String keeperLogs() {
        try (java.util.stream.Stream<Path> logs = Files.list(tmp.resolve("state").resolve("keeper"))) {
            StringBuilder out = new StringBuilder();
            for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                out.append(Files.readString(log));
            }
            return out.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String stopReason(String id) throws Exception {
        try (Containerd c = containerd.connect()) {
            return new Containers(c).get(id).map(x -> x.getLabelsMap().get(ContainerLabels.STOP_REASON)).orElse(null);
        }
    }

    /** A detached container and the keeper that held it (killed). */
    private record Killed(String id, long keeper) {}

    /** {@code run -d ARGS} through {@code jnerd}, then SIGKILL to the network keeper holding it. */
    private Killed runDetachedAndKillItsKeeper(Cli jnerd, String... runArgs) throws Exception {
        Cli.Result d = jnerd.run(concat(new String[] {"run", "-d"}, runArgs));
        assertEquals(0, d.exitCode, d.toString());
        String id = d.out.trim();
        ProcessHandle keeper = awaitKeeper(id, -1);
        keeper.destroyForcibly();
        keeper.onExit().get(10, TimeUnit.SECONDS);
        return new Killed(id, keeper.pid());
    }

    /** Until the watcher's new keeper recorded that it holds the container again. */
    private void awaitAnotherKeeper(Killed k) throws Exception {
        assertNotEquals(k.keeper(), awaitKeeper(k.id(), k.keeper()).pid());
    }

    /** The keeper recorded as holding {@code id}, other than {@code not}, once there is one (up to 20 s). */
    private ProcessHandle awaitKeeper(String id, long not) throws Exception {
        Path stateDir = tmp.resolve("state").resolve(containerd.namespace()).resolve(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<ProcessHandle> keeper = KeeperRecord.find(stateDir).filter(p -> p.pid() != not);
            if (keeper.isPresent()) {
                return keeper.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no keeper recorded for " + id + " in 20 s");
    }

    /** The container's -d log once it contains {@code expected} (or what it has after 15 s). */
    private static String awaitLogs(String id, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String logs = "";
        while (!logs.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            logs = cli.run("logs", id).out;
        }
        return logs;
    }

    @Test
    void infoSaysWhichNetworkModesWorkHere() {
        Cli.Result info = withDaemon.run("info");
        assertTrue(info.out.contains(" Network modes (--net):\n"), info.toString());
        assertTrue(info.out.contains("  slirp4netns:\tyes (/usr/bin/slirp4netns"), info.out);
        assertTrue(info.out.contains("  bypass4netns:\tyes (bypasses served by bypassd at " + tmp.resolve("xdg")), info.out);
        Cli.Result noDaemon = withoutDaemon.run("info");
        assertTrue(noDaemon.out.contains("  bypass4netns:\tyes (no bypassd running: jnerd run serves the bypass itself, with -d the container's network keeper)"),
                noDaemon.out);
    }

    /** {@code jnerd bypassd} as its own process, as nerdctl users run it: serves jnerd run, stops on SIGTERM. */
    @Test
    void bypassdCommandServesRunsUntilSigterm() throws Exception {
        Path runtimeDir = Files.createDirectories(tmp.resolve("xdg-child"));
        Path socket = runtimeDir.resolve("bypass4netnsd.sock");
        Path log = tmp.resolve("bypassd-child.log");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Djnerd.native=" + System.getProperty("jnerd.native", ""),
                "-cp", System.getProperty("java.class.path"), "io.jnerd.cli.Main", "bypassd")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
        pb.environment().put("JNERD_STATE_DIR", cli.stateDir().toString());
        Process daemon = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.exists(socket) && daemon.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(socket), "bypassd listens: " + Files.readString(log));
            Cli.Result r = cli.withEnv(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString())).run("run", "--rm",
                    "--net", "bypass4netns", IMAGE, "sh", "-c", "timeout 10 wget -q -O- " + url());
            assertEquals("hello-from-test-host\n", r.out, r.toString());
            daemon.destroy();
            assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "bypassd stops on SIGTERM");
            assertEquals(0, daemon.exitValue(), Files.readString(log));
            String lines = Files.readString(log);
            assertTrue(lines.contains(": supervising container pid "), lines);
            assertTrue(lines.contains(" stopped"), lines);
            assertFalse(Files.exists(socket), "the socket is removed");
        } finally {
            daemon.destroyForcibly();
        }
    }

    /**
     * {@code jnerd bypassd} killed (SIGKILL) and stopped (SIGTERM) under a {@code jnerd run -d
     * --net=bypass4netns} container that connects to the test host every 10 ms, each time
     * started again 2 s later: no connect fails (they wait for the new daemon), the new
     * daemon switches the container's connects, and {@code rm -f} removes the bypass from it.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aDetachedContainerKeepsItsBypassWhileBypassdRestarts() throws Exception {
        Path runtimeDir = Files.createDirectories(tmp.resolve("xdg-restart"));
        Path socket = runtimeDir.resolve("bypass4netnsd.sock");
        BypassClient restarted = new BypassClient(socket);
        Cli jnerd = cli.withEnv(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()));
        Process daemon = startBypassd(runtimeDir, 0);
        String id = null;
        try {
            awaitBypassd(restarted, daemon);
            Cli.Result d = jnerd.run("run", "-d", "--net=bypass4netns", IMAGE, "sh", "-c", "while :; do"
                    + " if echo x | nc -w 10 " + testHost.address().getHostAddress() + " " + ECHO_PORT + " >/dev/null;"
                    + " then echo ok; else echo FAIL; fi; usleep 10000; done");
            assertEquals(0, d.exitCode, d.toString());
            id = d.out.trim();
            awaitOks(id, 3);
            for (int i = 1; i <= 2; i++) {
                if (i == 1) {
                    daemon.destroyForcibly();
                } else {
                    daemon.destroy();
                }
                assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "bypassd " + i + " ends");
                Thread.sleep(2_000);
                int before = awaitOks(id, 0);
                daemon = startBypassd(runtimeDir, i);
                awaitBypassd(restarted, daemon);
                awaitOks(id, before + 3);
                assertTrue(restarted.stats(id).connectsSwitched() >= 1, "the new bypassd switches: " + restarted.stats(id));
            }
            assertEquals(0, jnerd.run("rm", "-f", id).exitCode);
            id = null;
            assertEquals(List.of(), restarted.list(), "rm -f removed the bypass from the restarted bypassd");
        } finally {
            if (id != null) {
                jnerd.run("rm", "-f", id);
            }
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
    }

    private Process startBypassd(Path runtimeDir, int generation) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Djnerd.native=" + System.getProperty("jnerd.native", ""),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.jnerd.cli.Main", "bypassd")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("bypassd-restart-" + generation + ".log").toFile());
        pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
        pb.environment().put("JNERD_STATE_DIR", cli.stateDir().toString());
        return pb.start();
    }

    private static void awaitBypassd(BypassClient client, Process daemon) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                client.list();
                return;
            } catch (IOException notYet) {
                assertTrue(daemon.isAlive() && System.nanoTime() < deadline, "bypassd listens: " + notYet);
                Thread.sleep(20);
            }
        }
    }

    /** Waits for {@code count} "ok" lines in the container's log (none may say FAIL); returns how many there are. */
    private static int awaitOks(String id, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String logs = cli.run("logs", id).out;
            assertFalse(logs.contains("FAIL"), "a connect failed: " + logs);
            int oks = (int) logs.lines().filter("ok"::equals).count();
            if (oks >= count) {
                return oks;
            }
            assertTrue(System.nanoTime() < deadline, "no " + count + " connects: " + logs);
            Thread.sleep(100);
        }
    }

    private static String testHostLinkPrefix() {
        return "jth" + testHost.name().substring("jnerd-th-".length());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String readFromHost(int port, CompletableFuture<Cli.Result> run) throws Exception {
        String got = PublishedPort.read(port, Duration.ofSeconds(20), run::isDone);
        return got.isEmpty() && run.isDone() ? "container ended: " + run.get() : got;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
