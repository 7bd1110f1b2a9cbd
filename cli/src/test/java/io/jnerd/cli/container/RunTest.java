package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.network.KeeperRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** jnerd run and the container commands, in-process, against a real containerd + runc. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunTest extends LoadedContainerd {
    static final String IMAGE = TestImages.NAME;

    @Test
    void exitStatusAndOutputStreamsPassThrough() {
        Cli.Result r = cli.run("run", "--rm", IMAGE, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode, r.toString());
        assertEquals("out\n", r.out);
        assertEquals("err\n", r.err);
    }

    @Test
    void imageEnvAndWorkdirAndFlagsOverride() throws Exception {
        Path envFile = tmp.resolve("env.list");
        Files.writeString(envFile, "# comment\nFROM_FILE=1\nFOO=from-file\n");
        Cli.Result defaults = cli.run("run", "--rm", IMAGE, "sh", "-c", "echo $FOO $(pwd) $HOSTNAME");
        assertEquals(0, defaults.exitCode, defaults.toString());
        assertTrue(defaults.out.matches("bar /tmp [0-9a-f]{12}\n"), defaults.out);

        Cli.Result flags = cli.run("run", "--rm", "--env-file", envFile.toString(), "-e", "X=1", "-w", "/home",
                "-h", "box", IMAGE, "sh", "-c", "echo $FOO $FROM_FILE $X $(pwd) $(hostname)");
        assertEquals("from-file 1 1 /home box\n", flags.out, flags.toString());
    }

    @Test
    void userByNameFromTheImagesPasswdAndNumeric() {
        assertEquals("1000:1000\n", cli.run("run", "--rm", "-u", "app", IMAGE, "sh", "-c", "echo $(id -u):$(id -g)").out);
        assertEquals("4242:7\n", cli.run("run", "--rm", "-u", "4242:7", IMAGE, "sh", "-c", "echo $(id -u):$(id -g)").out);
        Cli.Result unknown = cli.run("run", "--rm", "-u", "nobody-here", IMAGE, "true");
        assertEquals(125, unknown.exitCode);
        assertTrue(unknown.err.contains("unable to find user nobody-here"), unknown.err);
    }

    @Test
    void stdinWithDashI() {
        Cli.Result r = cli.runWithInput("hi\nthere\n", "run", "-i", "--rm", IMAGE, "cat");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("hi\nthere\n", r.out);
    }

    @Test
    void ttyGivesTheProcessATerminal() {
        Cli.Result t = cli.run("run", "--rm", "-t", IMAGE, "sh", "-c", "test -t 1 && echo tty; echo err >&2");
        assertEquals(0, t.exitCode, t.toString());
        assertEquals("tty\r\nerr\r\n", t.out, "both streams through the pty (which turns \\n into \\r\\n)");
        Cli.Result it = cli.run("run", "--rm", "-it", IMAGE, "true");
        assertEquals(125, it.exitCode, it.toString());
        assertTrue(it.err.contains("not a TTY"), it.err);
    }

    @Test
    void readOnlyRootAndCapabilities() {
        Cli.Result ro = cli.run("run", "--rm", "--read-only", IMAGE, "touch", "/x");
        assertEquals(1, ro.exitCode, ro.toString());
        assertTrue(ro.err.contains("Read-only file system"), ro.err);
        // CAP_CHOWN is in the default set; dropping it makes chown fail for root.
        assertEquals(0, cli.run("run", "--rm", IMAGE, "chown", "1:1", "/tmp").exitCode);
        assertEquals(1, cli.run("run", "--rm", "--cap-drop", "chown", IMAGE, "chown", "1:1", "/tmp").exitCode);
    }

    @Test
    void defaultSeccompProfileIsInTheSpecAndContainersRunUnderIt() {
        Cli.Result r = cli.run("run", "--name", "sec", IMAGE, "sh", "-c", "grep Seccomp: /proc/self/status");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("Seccomp:\t2\n", r.out, "mode 2: a filter is installed");
        Cli.Result inspect = cli.run("inspect", "sec");
        assertTrue(inspect.out.contains("\"defaultAction\" : \"SCMP_ACT_ERRNO\""), inspect.out);
        assertEquals(0, cli.run("rm", "sec").exitCode);
        Cli.Result off = cli.run("run", "--rm", "--security-opt", "seccomp=unconfined", IMAGE, "sh", "-c",
                "grep Seccomp: /proc/self/status");
        assertEquals("Seccomp:\t0\n", off.out, off.toString());
    }

    @Test
    void missingCommandIs127AndNotExecutableIs126WithNothingLeft() {
        Cli.Result notFound = cli.run("run", "--rm", IMAGE, "no-such-command");
        assertEquals(127, notFound.exitCode, notFound.toString());
        assertEquals(1, notFound.err.lines().count(), notFound.err);
        assertTrue(notFound.err.contains("executable file not found"), notFound.err);

        Cli.Result notExecutable = cli.run("run", IMAGE, "/etc/passwd");
        assertEquals(126, notExecutable.exitCode, notExecutable.toString());
        assertEquals(1, notExecutable.err.lines().count(), notExecutable.err);
    }

    @Test
    void missingImageAndBadFlagAre125InOneLine() {
        Cli.Result missing = cli.run("run", "--rm", "--pull", "never", "no-such-image:1");
        assertEquals(125, missing.exitCode);
        assertEquals("jnerd: image not found: no-such-image:1 (pull it with 'jnerd pull', or load it with 'jnerd load -i FILE')\n", missing.err);

        Cli.Result badFlag = cli.run("run", "--no-such-flag", IMAGE);
        assertEquals(125, badFlag.exitCode);
        assertEquals(1, badFlag.err.lines().count(), badFlag.err);
        assertTrue(badFlag.err.contains("--no-such-flag"), badFlag.err);

        Cli.Result badNet = cli.run("run", "--net", "carrier-pigeon", IMAGE, "true");
        assertEquals(125, badNet.exitCode);
        assertTrue(badNet.err.startsWith("jnerd: unknown network mode \"carrier-pigeon\""), badNet.err);
    }

    @Test
    void networkNoneHasOnlyLoopbackAndHostSharesTheHosts() throws Exception {
        Cli.Result none = cli.run("run", "--rm", "--net", "none", IMAGE, "ls", "/sys/class/net");
        assertEquals("lo\n", none.out, none.toString());
        Cli.Result host = cli.run("run", "--rm", "--net", "host", IMAGE, "ls", "/sys/class/net");
        assertEquals(0, host.exitCode, host.toString());
        assertTrue(host.out.lines().count() > 1, "host interfaces: " + host.out);
    }

    @Test
    void slirp4netnsGivesTheContainerATapDevice() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns");
        Cli.Result r = cli.run("run", "--rm", "--net", "slirp4netns", IMAGE, "ip", "-4", "-o", "addr", "show", "tap0");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("inet 10.0.2."), r.out);
        Path netDirs = tmp.resolve("state").resolve("net");
        try (var left = Files.list(netDirs)) {
            assertEquals(0, left.count(), "the driver's directory is removed after the run");
        }
    }

    @Test
    void publishedPortReachesTheContainerThroughSlirp4netns() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                cli.run("run", "--rm", "--net", "slirp4netns", "-p", "127.0.0.1:" + port + ":8080",
                        IMAGE, "sh", "-c", "echo hello-from-container | nc -l -p 8080"));
        String got = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!got.startsWith("hello") && System.nanoTime() < deadline && !run.isDone()) {
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                got = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertEquals("hello-from-container\n", got);
        Cli.Result r = run.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode, r.toString());

    }

    @Test
    void exitedContainerIsListedUntilRemoved() {
        Cli.Result r = cli.run("run", "--name", "kept", IMAGE, "sh", "-c", "exit 4");
        assertEquals(4, r.exitCode, r.toString());
        Cli.Result ps = cli.run("ps", "-a");
        assertTrue(ps.out.contains("Exited (4)") && ps.out.contains("kept"), ps.out);
        assertTrue(cli.run("ps").out.lines().count() == 1, "ps without -a lists running ones only");
        Cli.Result dup = cli.run("run", "--name", "kept", IMAGE, "true");
        assertEquals(125, dup.exitCode);
        assertTrue(dup.err.contains("already in use"), dup.err);
        Cli.Result rmi = cli.run("rmi", IMAGE);
        assertEquals(1, rmi.exitCode, rmi.toString());
        assertTrue(rmi.err.contains("is used by container") && rmi.err.contains("use rmi -f"), rmi.err);
        assertEquals(0, cli.run("rm", "kept").exitCode);
    }

    @Test
    void detachedLogsStopAndRemove() throws Exception {
        Cli.Result d = cli.run("run", "-d", "--name", "bg", IMAGE, "sh", "-c", "echo started; sleep 60");
        assertEquals(0, d.exitCode, d.toString());
        String id = d.out.trim();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String logs = "";
        while (!logs.contains("started") && System.nanoTime() < deadline) {
            logs = cli.run("logs", "bg").out;
            Thread.sleep(100);
        }
        assertEquals("started\n", logs);
        assertTrue(cli.run("ps").out.contains("bg"));
        Cli.Result rmRunning = cli.run("rm", "bg");
        assertEquals(1, rmRunning.exitCode);
        assertTrue(rmRunning.err.contains("is running"), rmRunning.err);

        Cli.Result inspect = cli.run("inspect", id.substring(0, 12));
        assertTrue(inspect.out.contains("\"Running\" : true"), inspect.out);

        Path stateDir = tmp.resolve("state").resolve(containerd.namespace()).resolve(id);
        assertTrue(Files.exists(stateDir.resolve(KeeperRecord.FILE)), "-d gets the default network, held by a keeper");
        assertEquals(0, cli.run("stop", "-t", "1", "bg").exitCode);
        assertFalse(Files.exists(stateDir.resolve(KeeperRecord.FILE)), "stop returns after the keeper is done");
        try (var netDirs = Files.list(tmp.resolve("state").resolve("net"))) {
            assertEquals(0, netDirs.count(), "stop returns after the keeper removed the network dir");
        }
        Cli.Result follow = cli.run("logs", "-f", "bg");
        assertEquals("started\n", follow.out);
        assertEquals(0, cli.run("rm", "bg").exitCode);
        assertTrue(Files.notExists(tmp.resolve("state").resolve(containerd.namespace()).resolve(id)), "state dir removed");
    }

    /** -d --rm: the keeper removes the container once it exited by itself, or when stop ended it. */
    @Test
    void detachedRmRemovesTheContainerWhenItEnds() throws Exception {
        Cli.Result exits = cli.run("run", "-d", "--rm", "--net=none", IMAGE, "sh", "-c", "sleep 1");
        assertEquals(0, exits.exitCode, exits.toString());
        String id = exits.out.trim();
        Path stateDir = tmp.resolve("state").resolve(containerd.namespace()).resolve(id);
        // The keeper deletes the container first and its state dir after: wait for both.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while ((cli.run("ps", "-a").out.contains(id.substring(0, 12)) || Files.exists(stateDir))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(cli.run("ps", "-a").out.contains(id.substring(0, 12)), "removed after it exited");
        assertFalse(Files.exists(stateDir), "state dir removed");

        Cli.Result stopped = cli.run("run", "-d", "--rm", "--name", "bg-rm", IMAGE, "sleep", "60");
        assertEquals(0, stopped.exitCode, stopped.toString());
        assertEquals(0, cli.run("stop", "-t", "1", "bg-rm").exitCode);
        assertFalse(cli.run("ps", "-a").out.contains("bg-rm"), "stop returns once --rm removed it");
    }
}
