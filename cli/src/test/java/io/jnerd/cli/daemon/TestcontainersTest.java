package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.DaemonProcess;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Testcontainers-Java 2.x, unmodified, against {@code jnerd daemon}: a GenericContainer from an
 * image jnerd loaded (no registry), an exposed port, a file copied in before start, the default
 * wait strategy (the mapped port from the host, then an exec inside), logs, exec, and
 * teardown that leaves nothing in containerd. Each run is a JVM of its own
 * ({@link TestcontainersScenario}) configured only through its environment, as a user would.
 */
@Tag("privileged")
class TestcontainersTest {
    static ContainerdFixture containerd;
    static DaemonProcess daemon;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdFixture.start();
        Cli cli = new Cli(containerd, tmp.resolve("state"));
        for (Path archive : List.of(TestImages.busyboxArchive(tmp), TestImages.ryukStandInArchive(tmp))) {
            Cli.Result load = cli.run("load", "-i", archive.toString());
            assertEquals(0, load.exitCode, load.toString());
        }
        daemon = DaemonProcess.start(containerd, tmp.resolve("state"), tmp.resolve("api/docker.sock"),
                tmp.resolve("daemon.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (containerd != null) {
                containerd.close();
            }
        }
    }

    /**
     * Ryuk off: the reaper is a container of its own (testcontainers/ryuk, from Docker Hub)
     * that mounts the docker socket; without it Testcontainers removes what it started at
     * stop() and at JVM exit (its shutdown hook). No file copied: create, start, inspect, exec, logs, kill, rm.
     */
    @Test
    void genericContainerWithPortWaitLogsExecAndTeardown() throws Exception {
        List<String> facts = scenario("plain", Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"));
        assertFacts(facts, TestcontainersScenario.expectedLines());
        assertTrue(facts.contains("host=localhost"), facts::toString);
        Leftovers.assertNone(containerd);
    }

    /** The same with the page copied in before start and read back: the archive endpoints. */
    @Test
    void aFileCopiedInBeforeStartIsServedAndCopiedBack() throws Exception {
        List<String> facts = scenario("copy", Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"), "copy");
        assertFacts(facts, TestcontainersScenario.expectedLines());
        assertFacts(facts, List.of("copied.back=" + TestcontainersScenario.PAGE.strip()));
        Leftovers.assertNone(containerd);
    }

    /**
     * HostConfig.NetworkMode as Testcontainers' withCreateContainerCmdModifier sets it: the page
     * through the bypass. The wait is for the log line: the default strategy's check inside the
     * container cannot see a listening socket the bypass moved to the host.
     */
    @Test
    void genericContainerOnBypass4netns() throws Exception {
        List<String> facts = scenario("bypass", Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"), "network=bypass4netns",
                "wait=log");
        assertFacts(facts, TestcontainersScenario.expectedLines());
        Leftovers.assertNone(containerd);
    }

    /**
     * Ryuk on, as Testcontainers starts it: a container named testcontainers-ryuk-SESSION,
     * privileged, auto-removed, with the daemon's socket (DOCKER_HOST's path) bound to
     * /var/run/docker.sock, waited for by its log line "Started", then reached from the host at
     * its mapped port. Two settings: testcontainers/ryuk comes from Docker Hub, so without a
     * registry a user names a local image (TESTCONTAINERS_RYUK_CONTAINER_IMAGE), and jnerd runs
     * no privileged container (400), which Ryuk does not need to reach the socket
     * (TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED=false).
     */
    @Test
    void ryukStartsWithTheSocketBoundInAndIsReachedFromTheHost() throws Exception {
        List<String> facts = scenario("ryuk", Map.of("TESTCONTAINERS_RYUK_CONTAINER_IMAGE", TestImages.RYUK,
                "TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED", "false"));
        assertFacts(facts, TestcontainersScenario.expectedLines());
        String session = facts.stream().filter(f -> f.startsWith("session=")).findFirst().orElseThrow().substring(8);
        Files.createDirectories(tmp.resolve("docker"));
        DockerCli docker = new DockerCli(daemon.socket(), tmp.resolve("docker"));
        DockerCli.Result logs = docker.run(Map.of(), "logs", "testcontainers-ryuk-" + session);
        assertEquals("docker.sock mounted\nStarted\n", logs.out(), logs.err());
        // The stand-in reaps nothing (Ryuk would, 10 s after its last client): remove it as Ryuk's own exit would.
        DockerCli.Result rm = docker.run(Map.of(), "rm", "-f", "testcontainers-ryuk-" + session);
        assertEquals(0, rm.exit(), rm.err());
        Leftovers.assertNone(containerd);
    }

    private static void assertFacts(List<String> facts, List<String> expected) {
        for (String line : expected) {
            assertTrue(facts.contains(line), () -> line + " in " + facts + "\ndaemon:\n" + daemon.log());
        }
    }

    /** Runs the scenario in a fresh JVM; its stdout lines. */
    private static List<String> scenario(String name, Map<String, String> settings, String... args) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home-" + name));
        Map<String, String> env = new HashMap<>(settings);
        env.put("DOCKER_HOST", "unix://" + daemon.socket());
        env.put("DOCKER_CONFIG", Files.createDirectories(home.resolve(".docker")).toString());
        // This machine kind has a /.dockerenv (its image came from docker), which makes Testcontainers
        // look for mapped ports at the "bridge" network's gateway, another host; jnerd's are on this one.
        env.put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
        Path log = tmp.resolve("scenario-" + name + ".log");
        List<String> all = new ArrayList<>(List.of(TestImages.NAME));
        all.addAll(List.of(args));
        Process p = DaemonProcess.javaProcess(List.of("-Duser.home=" + home), TestcontainersScenario.class.getName(),
                env, log, all);
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done && p.exitValue() == 0, () -> "scenario " + name + ":\n" + out + "\ndaemon:\n" + daemon.log());
        // Testcontainers writes a found strategy to ~/.testcontainers.properties; DOCKER_HOST's is never persisted.
        assertTrue(Files.notExists(home.resolve(".testcontainers.properties")), "the user's config stays untouched");
        return out.lines().toList();
    }
}
