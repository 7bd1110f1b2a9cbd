package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker CLI (client only; no dockerd anywhere) against jnerd daemon's protocol layer. */
@Tag("kernel")
class DockerCliTest {

    @TempDir
    Path dir;

    private Daemon daemon;
    private DockerCli docker;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        DockerCli.binary();
        Path socket = dir.resolve("run/docker.sock");
        daemon = Daemon.start("unix://" + socket, Map.of(), "0.1.0-test",
                () -> new EngineSummary(3, 1, 0, 2, 5, "overlayfs", "/var/lib/jnerd", true), true, log::add, api -> { });
        Files.createDirectories(dir.resolve("config"));
        docker = new DockerCli(socket, dir.resolve("config"));
    }

    @AfterEach
    void stop() throws Exception {
        Path socket = daemon.socket();
        daemon.close();
        assertTrue(!Files.exists(socket), "the socket is gone after close");
    }

    @Test
    void socketAndItsNewDirectoryArePrivate() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run"))));
    }

    @Test
    void dockerVersionNegotiatesDownToWhatTheDaemonAdvertises() throws Exception {
        DockerCli.Result r = docker.run(Map.of(), "version", "--format",
                "{{.Client.APIVersion}} {{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("1.44 25.0.0 1.44 1.24 linux", r.out().trim(), "the engine release of API 1.44");
        assertTrue(log.contains("HEAD /_ping -> 200"), log::toString);
        assertTrue(log.contains("GET /v1.44/version -> 200"), log::toString);

        DockerCli.Result plain = docker.run(Map.of(), "version");
        assertEquals(0, plain.exit(), plain.err());
        assertTrue(plain.out().contains("Server: jnerd 0.1.0-test") && plain.out().contains("Version:          0.1.0-test")
                && plain.out().contains("1.44 (minimum version 1.24)")
                && plain.out().contains("java " + System.getProperty("java.version")), plain.out());
    }

    @Test
    void anOlderClientVersionIsServedAndATooNewOneGetsMobysWords() throws Exception {
        DockerCli.Result older = docker.run(Map.of("DOCKER_API_VERSION", "1.32"), "version", "--format",
                "{{.Client.APIVersion}} {{.Server.APIVersion}}");
        assertEquals(0, older.exit(), older.err());
        assertEquals("1.32 1.44", older.out().trim());
        assertTrue(log.contains("GET /v1.32/version -> 200"), log::toString);

        DockerCli.Result newer = docker.run(Map.of("DOCKER_API_VERSION", "1.45"), "info");
        assertEquals(1, newer.exit(), newer.out() + newer.err());
        assertTrue(newer.err().contains(
                "Error response from daemon: client version 1.45 is too new. Maximum supported API version is 1.44"),
                newer.err());
    }

    @Test
    void dockerInfoReadsTheEngineAndHostFields() throws Exception {
        DockerCli.Result r = docker.run(Map.of(), "info", "--format",
                "{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}} {{.OSType}} {{.ServerVersion}}"
                        + " {{.Driver}} {{.DockerRootDir}} {{json .SecurityOptions}} {{.Swarm.LocalNodeState}}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("3 1 2 5 linux 0.1.0-test overlayfs /var/lib/jnerd"
                + " [\"name=seccomp,profile=builtin\",\"name=rootless\"] inactive", r.out().trim());

        DockerCli.Result plain = docker.run(Map.of(), "info");
        assertEquals(0, plain.exit(), plain.out() + plain.err());
        assertTrue(plain.out().contains("Server Version: 0.1.0-test"), plain.out());
        assertTrue(plain.out().contains("Kernel Version: " + HostFacts.read().kernelVersion()), plain.out());
        assertTrue(plain.out().contains(" rootless"), plain.out());
    }

    @Test
    void anUnknownEndpointIsMobys404() throws Exception {
        DockerCli.Result r = docker.run(Map.of(), "volume", "ls");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("Error response from daemon: page not found", r.err().trim());
    }
}
