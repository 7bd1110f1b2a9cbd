package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.Main;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
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
                "daemon", "--host", "unix://" + socket));
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
    }

    @AfterAll
    static void stop() throws Exception {
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
        DockerCli.Result r = docker.runWithInput("hi\nthere\n", "run", "--rm", "-i", "--net", "none", TestImages.NAME,
                "sh", "-c", "cat; echo after-eof");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hi\nthere\nafter-eof\n", r.out());
    }

    @Test
    void ttyGivesTheContainerATerminal() throws Exception {
        DockerCli.Result r = docker.runOnTerminal("run", "--rm", "-t", "--net", "none", TestImages.NAME, "sh", "-c",
                "tty; exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("/dev/pts/0"), r.out());
    }
}
