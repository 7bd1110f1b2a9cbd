package io.jnerd.cli.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.daemon.TestcontainersScenario;
import io.jnerd.cli.testing.RootlessUser;
import io.jnerd.cli.testing.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnerd daemon} as an ordinary user over rootless containerd, driven by the real docker
 * CLI and by Testcontainers run as that user: one rootless containerd and one daemon for the
 * class (started in {@link #start}, stopped in {@link #stop}).
 */
@Tag("rootless")
class RootlessDaemonEndToEndTest {
    private static RootlessUser user;
    private static Process daemon;
    private static Path socket;
    /** World-readable: the user's docker CLI and Testcontainers' JVM read and write here. */
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        user = RootlessUser.get();
        user.jnerd("rootless", "stop"); // one left over by an aborted run
        RootlessUser.Result started = user.jnerd("rootless", "start");
        assertEquals(0, started.status(), started.describe());
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (Path archive : List.of(TestImages.busyboxArchive(images), TestImages.ryukStandInArchive(images))) {
            RootlessUser.Result load = user.jnerdWithInput(Files.readAllBytes(archive), "load");
            assertEquals(0, load.status(), load.describe());
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        socket = user.runtimeDir().resolve("jnerd/docker.sock");
        Files.deleteIfExists(socket);
        daemon = user.spawn(tmp.resolve("daemon.log"), "daemon", "--debug");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            assertTrue(daemon.isAlive() && System.nanoTime() < deadline, () -> "no socket at " + socket + ": " + daemonLog());
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.destroy();
                assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "jnerd daemon stops on SIGTERM");
            }
        } finally {
            if (user != null) {
                RootlessUser.Result stopped = user.jnerd("rootless", "stop");
                assertEquals(0, stopped.status(), stopped.describe());
            }
        }
    }

    /** What a failed test left (Ryuk's stand-in reaps nothing) must not fail the next one too. */
    @AfterEach
    void removeLeftovers() throws Exception {
        for (String id : docker("", "ps", "-a", "-q").out().lines().toList()) {
            docker("", "rm", "-f", id);
        }
    }

    private static String daemonLog() {
        try {
            return Files.readString(tmp.resolve("daemon.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** {@code docker ARGS} as the user, with {@code stdin}. */
    private static RootlessUser.Result docker(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env", "DOCKER_HOST=unix://" + socket,
                "DOCKER_CONFIG=" + tmp.resolve("docker-config"), DockerCli.binary()));
        cmd.addAll(List.of(args));
        return user.run(stdin.getBytes(StandardCharsets.UTF_8), cmd);
    }

    @Test
    void dockerRunsContainersThroughTheUsersDaemon() throws Exception {
        RootlessUser.Result seven = docker("", "run", "--rm", TestImages.NAME, "sh", "-c", "id -u; exit 7");
        assertEquals(7, seven.status(), seven.describe());
        assertEquals("0\n", seven.out(), "root in the container's user namespace");
        RootlessUser.Result cat = docker("hi\n", "run", "--rm", "-i", "--net=none", TestImages.NAME, "cat");
        assertEquals(0, cat.status(), cat.describe());
        assertEquals("hi\n", cat.out());
        RootlessUser.Result missing = docker("", "run", "--rm", "--net=none", TestImages.NAME, "no-such-command");
        assertEquals(127, missing.status(), missing.describe());
        RootlessUser.Result d = docker("", "run", "-d", "--name", "rootless-web", "-p", "127.0.0.1::8080",
                TestImages.NAME, "sh", "-c", "echo hello-through-docker | nc -l -p 8080");
        assertEquals(0, d.status(), d.describe());
        RootlessUser.Result port = docker("", "inspect", "--format",
                "{{(index (index .NetworkSettings.Ports \"8080/tcp\") 0).HostPort}}", "rootless-web");
        assertEquals(0, port.status(), port.describe());
        int hostPort = Integer.parseInt(port.out().trim());
        String got = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!got.startsWith("hello") && System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), hostPort)) {
                s.setSoTimeout(2000);
                got = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertEquals("hello-through-docker\n", got);
        RootlessUser.Result rm = docker("", "rm", "-f", "rootless-web");
        assertEquals(0, rm.status(), rm.describe());
        assertNothingLeft();
    }

    /** exec with stdin and its exit code, then cp in and out of one container, running and stopped. */
    @Test
    void execAndCpReachARunningContainer() throws Exception {
        RootlessUser.Result run = docker("", "run", "-d", "--net=none", "--name", "rootless-exec", TestImages.NAME,
                "sleep", "60");
        assertEquals(0, run.status(), run.describe());
        try {
            RootlessUser.Result exec = docker("from stdin\n", "exec", "-i", "rootless-exec", "sh", "-c",
                    "cat; id -u; exit 5");
            assertEquals(5, exec.status(), exec.describe());
            assertEquals("from stdin\n0\n", exec.out());

            Path in = tmp.resolve("in.txt");
            Files.writeString(in, "copied in\n");
            Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rw-r--r--"));
            RootlessUser.Result cpIn = docker("", "cp", in.toString(), "rootless-exec:/tmp/in.txt");
            assertEquals(0, cpIn.status(), cpIn.describe());
            RootlessUser.Result cat = docker("", "exec", "rootless-exec", "cat", "/tmp/in.txt");
            assertEquals("copied in\n", cat.out(), cat.describe());

            RootlessUser.Result write = docker("", "exec", "rootless-exec", "sh", "-c", "echo made inside > /tmp/out.txt");
            assertEquals(0, write.status(), write.describe());
            Path out = tmp.resolve("out.txt");
            RootlessUser.Result cpOut = docker("", "cp", "rootless-exec:/tmp/out.txt", out.toString());
            assertEquals(0, cpOut.status(), cpOut.describe());
            assertEquals("made inside\n", Files.readString(out));

            // Stopped: no task to reach it through, its snapshot is mounted (inside rootlesskit's namespaces).
            RootlessUser.Result kill = docker("", "kill", "rootless-exec");
            assertEquals(0, kill.status(), kill.describe());
            RootlessUser.Result waited = docker("", "wait", "rootless-exec");
            assertEquals("137\n", waited.out(), waited.describe());
            Path stopped = tmp.resolve("from-stopped.txt");
            RootlessUser.Result cpStopped = docker("", "cp", "rootless-exec:/tmp/in.txt", stopped.toString());
            assertEquals(0, cpStopped.status(), cpStopped.describe());
            assertEquals("copied in\n", Files.readString(stopped));
        } finally {
            RootlessUser.Result rm = docker("", "rm", "-f", "rootless-exec");
            assertEquals(0, rm.status(), rm.describe());
        }
        assertNothingLeft();
    }

    /**
     * Testcontainers as the user, with Ryuk (the stand-in) on: a GenericContainer with an exposed
     * port, the default wait strategy, a file copied in and back, exec and logs. The scenario's
     * class path is copied where the user can read it (the build's own lies under root's home).
     */
    @Test
    void testcontainersWithRyukAndACopiedFile() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("tc-home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + socket,
                "DOCKER_CONFIG", tmp.resolve("docker-config").toString(),
                // /.dockerenv on this machine kind would send Testcontainers to the bridge network's gateway.
                "TESTCONTAINERS_HOST_OVERRIDE", "localhost",
                "TESTCONTAINERS_RYUK_CONTAINER_IMAGE", TestImages.RYUK,
                "TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED", "false");
        RootlessUser.Result scenario = user.java(tmp.resolve("classpath"), List.of("-Duser.home=" + home), env,
                TestcontainersScenario.class.getName(), TestImages.NAME, "copy");
        assertEquals(0, scenario.status(), () -> scenario.describe() + "\ndaemon:\n" + daemonLog());
        List<String> facts = scenario.out().lines().toList();
        List<String> expected = new ArrayList<>(TestcontainersScenario.expectedLines());
        expected.add("copied.back=" + TestcontainersScenario.PAGE.strip());
        for (String line : expected) {
            assertTrue(facts.contains(line), () -> line + " in " + facts + "\ndaemon:\n" + daemonLog());
        }
        String session = facts.stream().filter(f -> f.startsWith("session=")).findFirst().orElseThrow().substring(8);
        RootlessUser.Result logs = docker("", "logs", "testcontainers-ryuk-" + session);
        assertEquals("docker.sock mounted\nStarted\n", logs.out(), logs.describe());
        // The stand-in reaps nothing (Ryuk would, 10 s after its last client): remove it as Ryuk's own exit would.
        RootlessUser.Result rm = docker("", "rm", "-f", "testcontainers-ryuk-" + session);
        assertEquals(0, rm.status(), rm.describe());
        assertTrue(Files.notExists(home.resolve(".testcontainers.properties")), "the user's config stays untouched");
        assertNothingLeft();
    }

    private static void assertNothingLeft() throws IOException, InterruptedException {
        RootlessUser.Result ps = docker("", "ps", "-a", "-q");
        assertEquals(0, ps.status(), ps.describe());
        assertEquals("", ps.out(), "no container left: " + ps.describe());
    }
}
