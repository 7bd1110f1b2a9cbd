package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Cli.Result load = cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString());
        assertEquals(0, load.exitCode, load.toString());
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

    /** HostConfig.NetworkMode as Testcontainers' withCreateContainerCmdModifier sets it: the page through the bypass. */
    @Test
    void genericContainerOnBypass4netns() throws Exception {
        List<String> facts = scenario("bypass", Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"), "network=bypass4netns");
        assertFacts(facts, TestcontainersScenario.expectedLines());
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
