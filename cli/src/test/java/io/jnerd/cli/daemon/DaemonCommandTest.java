package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.Main;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnerd daemon} as a process of its own over a real containerd, and the real docker
 * CLI (client only; no dockerd) listing what jnerd made: images and containers.
 */
@Tag("privileged")
class DaemonCommandTest {
    static ContainerdFixture containerd;
    @TempDir
    static Path tmp;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        DockerCli.binary();
        containerd = ContainerdFixture.start();
        cli = new Cli(containerd, tmp.resolve("state"));
        Cli.Result load = cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString());
        assertEquals(0, load.exitCode, load.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    /** {@code jnerd daemon ARGS} in a JVM of its own (so SIGTERM is real), over the fixture's containerd. */
    private static Process daemon(Path log, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "daemon"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(containerd.env(tmp.resolve("state")));
        return pb.start();
    }

    private static void awaitSocket(Process p, Path socket, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(p.isAlive(), () -> "jnerd daemon exited: " + read(log));
            assertTrue(System.nanoTime() < deadline, () -> "no socket after 30 s: " + read(log));
            Thread.sleep(50);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void dockerListsJnerdsImagesAndContainersAndSigtermStopsTheDaemonCleanly() throws Exception {
        Cli.Result run = cli.run("run", "--name", "listed", "--net", "none", TestImages.NAME, "sh", "-c", "exit 3");
        assertEquals(3, run.exitCode, run.toString());

        Path socket = tmp.resolve("api/docker.sock");
        Path log = tmp.resolve("daemon.log");
        Process p = daemon(log, "--host", "unix://" + socket, "--debug");
        try {
            awaitSocket(p, socket, log);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            Files.createDirectories(tmp.resolve("docker"));
            DockerCli docker = new DockerCli(socket, tmp.resolve("docker"));

            DockerCli.Result images = docker.run(Map.of(), "images", "--format", "{{.Repository}} {{.Tag}} {{.ID}}");
            assertEquals(0, images.exit(), images.err());
            assertTrue(images.out().matches("(?s)jnerd-test/busybox latest [0-9a-f]{12}\n"), images.out());

            DockerCli.Result running = docker.run(Map.of(), "ps", "--format", "{{.Names}}");
            assertEquals(0, running.exit(), running.err());
            assertEquals("", running.out(), "an exited container is not listed without -a");

            DockerCli.Result all = docker.run(Map.of(), "ps", "-a", "--no-trunc", "--format",
                    "{{.Names}}|{{.Image}}|{{.Command}}|{{.Status}}|{{.State}}");
            assertEquals(0, all.exit(), all.err());
            // moby joins the args with spaces, unquoted.
            assertEquals("listed|jnerd-test/busybox:latest|\"sh -c exit 3\"|Exited (3)|exited\n", all.out());
            assertTrue(read(log).contains("GET /v1.44/containers/json?all=1 -> 200"), read(log));
        } finally {
            p.destroy();
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "jnerd daemon stopped on SIGTERM");
        assertEquals(0, p.exitValue(), read(log));
        assertFalse(Files.exists(socket), "the socket is removed");
        assertEquals(0, cli.run("rm", "listed").exitCode);
    }

    @Test
    void groupMakesTheSocket0660ForItAndLetsItThroughTheDirectory() throws Exception {
        Path socket = tmp.resolve("shared/docker.sock");
        Path log = tmp.resolve("daemon-group.log");
        Process p = daemon(log, "-H", "unix://" + socket, "--group", "nogroup");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"rw-rw----".equals(perms(socket)) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertEquals("rw-rw----", perms(socket), read(log));
            assertEquals("nogroup", Files.readAttributes(socket, java.nio.file.attribute.PosixFileAttributes.class)
                    .group().getName());
            assertEquals("rwx--x---", perms(socket.getParent()), "the group may pass, not list");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        Cli.Result bad = cli.run("daemon", "-H", "unix://" + tmp.resolve("bad/docker.sock"), "--group", "no-such-group-x");
        assertEquals(125, bad.exitCode, bad.toString());
        assertTrue(bad.err.contains("--group no-such-group-x: no such group"), bad.err);
        assertFalse(Files.exists(tmp.resolve("bad/docker.sock")), "no socket is left behind");
    }

    private static String perms(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void anotherSchemeThanUnixIsOneLineAndNothingListens() {
        Cli.Result r = cli.run("daemon", "-H", "tcp://127.0.0.1:2375");
        assertEquals(125, r.exitCode, r.toString());
        assertEquals("jnerd: --host tcp://127.0.0.1:2375: only unix://PATH is served\n", r.err);
    }

    @Test
    void dockerPullsTagsInspectsAndRemovesImagesFromALocalRegistry() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start(tmp.resolve("registry"))) {
            registry.push(TestImages.busyboxArchive(tmp), "daemon/busybox:v1");
            String image = registry.host() + "/daemon/busybox:v1";
            Path socket = tmp.resolve("api2/docker.sock");
            Path log = tmp.resolve("daemon2.log");
            Process p = daemon(log, "-H", "unix://" + socket);
            try {
                awaitSocket(p, socket, log);
                Files.createDirectories(tmp.resolve("docker2"));
                DockerCli docker = new DockerCli(socket, tmp.resolve("docker2"));

                DockerCli.Result pull = docker.run(Map.of(), "pull", image);
                assertEquals(0, pull.exit(), pull.out() + pull.err());
                // The layer is the one the loaded busybox has: containerd holds it already.
                assertTrue(pull.out().contains("v1: Pulling from daemon/busybox\n")
                        && pull.out().matches("(?s).*[0-9a-f]{12}: (Pull complete|Already exists)\n.*"), pull.out());
                assertTrue(pull.out().contains("Digest: sha256:"), pull.out());
                assertTrue(pull.out().contains("Status: Downloaded newer image for " + image), pull.out());
                DockerCli.Result again = docker.run(Map.of(), "pull", image);
                assertEquals(0, again.exit(), again.err());
                assertTrue(again.out().contains("Status: Image is up to date for " + image), again.out());

                DockerCli.Result missing = docker.run(Map.of(), "pull", registry.host() + "/daemon/busybox:nope");
                assertEquals(1, missing.exit(), missing.out() + missing.err());
                assertFalse(missing.err().isBlank(), "the registry's refusal is shown");

                String copy = registry.host() + "/daemon/copy:v2";
                DockerCli.Result tag = docker.run(Map.of(), "tag", image, copy);
                assertEquals(0, tag.exit(), tag.err());
                DockerCli.Result inspect = docker.run(Map.of(), "image", "inspect", "--format",
                        "{{.Os}} {{len .RootFS.Layers}} {{.Config.WorkingDir}}", copy);
                assertEquals(0, inspect.exit(), inspect.err());
                assertEquals("linux 1 /tmp\n", inspect.out());
                DockerCli.Result listed = docker.run(Map.of(), "images", "--format", "{{.Repository}}:{{.Tag}}");
                assertTrue(listed.out().contains(image + "\n") && listed.out().contains(copy + "\n"), listed.out());

                DockerCli.Result rmi = docker.run(Map.of(), "rmi", copy);
                assertEquals(0, rmi.exit(), rmi.err());
                assertEquals("Untagged: " + copy + "\n", rmi.out(), "the content stays: " + image + " still names it");
                DockerCli.Result gone = docker.run(Map.of(), "rmi", copy);
                assertEquals(1, gone.exit(), gone.out());
                assertTrue(gone.err().contains("Error response from daemon: No such image: " + copy), gone.err());
                DockerCli.Result noInspect = docker.run(Map.of(), "image", "inspect", copy);
                assertEquals(1, noInspect.exit(), noInspect.out());

                DockerCli.Result last = docker.run(Map.of(), "rmi", image);
                assertEquals(0, last.exit(), last.err());
                // skopeo pushed the loaded archive's manifest unchanged: jnerd-test/busybox still names it.
                assertEquals("Untagged: " + image + "\n", last.out());
                DockerCli.Result byId = docker.run(Map.of(), "rmi", pull.out().replaceAll("(?s).*Digest: sha256:(.{12}).*", "$1"));
                assertEquals(0, byId.exit(), byId.err());
                assertTrue(byId.out().matches("Untagged: jnerd-test/busybox:latest\nDeleted: sha256:[0-9a-f]{64}\n"), byId.out());
                assertEquals(0, cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString()).exitCode);
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void dockerKillsStopsAndRemovesContainersWithMobysAnswers() throws Exception {
        for (String name : List.of("stopped", "forced", "waited")) {
            Cli.Result run = cli.run("run", "-d", "--name", name, "--net", "none", TestImages.NAME, "sh", "-c",
                    "echo started " + name + "; exec sleep 300");
            assertEquals(0, run.exitCode, run.toString());
        }
        Path socket = tmp.resolve("api3/docker.sock");
        Path log = tmp.resolve("daemon3.log");
        Process p = daemon(log, "-H", "unix://" + socket);
        try {
            awaitSocket(p, socket, log);
            Files.createDirectories(tmp.resolve("docker3"));
            DockerCli docker = new DockerCli(socket, tmp.resolve("docker3"));
            DockerCli.Result up = docker.run(Map.of(), "ps", "--format", "{{.Names}} {{.Status}}");
            assertEquals("waited Up\nforced Up\nstopped Up\n", up.out(), up.err());
            DockerCli.Result info = docker.run(Map.of(), "info", "--format",
                    "{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}}");
            assertEquals("3 3 0 1\n", info.out(), info.err());

            DockerCli.Result inspect = docker.run(Map.of(), "inspect", "--format",
                    "{{.State.Status}} {{.State.Running}} {{.Name}} {{.Path}} {{.Args}} {{.Config.Image}}", "waited");
            assertEquals("running true /waited sh [-c echo started waited; exec sleep 300] jnerd-test/busybox:latest\n",
                    inspect.out(), inspect.err());
            java.util.concurrent.CompletableFuture<DockerCli.Result> following =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return docker.run(Map.of(), "logs", "-f", "waited");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            java.util.concurrent.CompletableFuture<DockerCli.Result> waiting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return docker.run(Map.of(), "wait", "waited");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            DockerCli.Result kill = docker.run(Map.of(), "kill", "waited");
            assertEquals(0, kill.exit(), kill.err());
            DockerCli.Result waited = waiting.get(60, TimeUnit.SECONDS);
            assertEquals(0, waited.exit(), waited.err());
            assertEquals("137\n", waited.out(), "docker wait returns once SIGKILL ended it");
            DockerCli.Result followed = following.get(60, TimeUnit.SECONDS);
            assertEquals(0, followed.exit(), followed.err());
            assertEquals("started waited\n", followed.out(), "logs -f ends when the container does");
            DockerCli.Result logs = docker.run(Map.of(), "logs", "waited");
            assertEquals("started waited\n", logs.out(), logs.err());
            assertEquals("137\n", docker.run(Map.of(), "wait", "waited").out(), "and at once for an exited one");
            DockerCli.Result afterKill = docker.run(Map.of(), "inspect", "--format",
                    "{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}", "waited");
            assertEquals("exited false 137\n", afterKill.out(), afterKill.err());
            assertEquals(0, docker.run(Map.of(), "rm", "waited").exit());
            DockerCli.Result noInspect = docker.run(Map.of(), "inspect", "waited");
            assertEquals(1, noInspect.exit());
            assertTrue(noInspect.err().contains("No such object: waited"), noInspect.err());

            DockerCli.Result badSignal = docker.run(Map.of(), "kill", "-s", "NOPE", "stopped");
            assertEquals(1, badSignal.exit());
            assertTrue(badSignal.err().contains("Invalid signal: NOPE"), badSignal.err());
            DockerCli.Result running = docker.run(Map.of(), "rm", "stopped");
            assertEquals(1, running.exit());
            assertTrue(running.err().contains("container is running"), running.err());

            // sleep is pid 1 there: SIGTERM has no default action on it, so stop ends in SIGKILL.
            DockerCli.Result stop = docker.run(Map.of(), "stop", "-t", "1", "stopped");
            assertEquals(0, stop.exit(), stop.err());
            assertEquals("stopped\n", stop.out());
            DockerCli.Result killStopped = docker.run(Map.of(), "kill", "stopped");
            assertEquals(1, killStopped.exit());
            assertTrue(killStopped.err().contains("is not running"), killStopped.err());
            DockerCli.Result exited = docker.run(Map.of(), "ps", "-a", "--filter", "name=stopped", "--format",
                    "{{.Names}} {{.Status}}");
            assertTrue(exited.out().contains("stopped Exited (137)"), exited.out());

            assertEquals(0, docker.run(Map.of(), "rm", "stopped").exit());
            DockerCli.Result forced = docker.run(Map.of(), "rm", "-f", "forced");
            assertEquals(0, forced.exit(), forced.err());
            DockerCli.Result none = docker.run(Map.of(), "rm", "forced");
            assertEquals(1, none.exit());
            assertTrue(none.err().contains("Error response from daemon: No such container: forced"), none.err());
            Leftovers.assertNone(containerd);
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
