package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.TestImages;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker save and load through jnerd daemon, and jnerd save: the round trip keeps the image and its name. */
@Tag("privileged")
class DaemonImageArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void saveRemoveLoadRoundTripsAndBadInputIsOneLine() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(tmp)) {
            DockerCli docker = daemon.docker;
            String id = docker.run(Map.of(), "image", "inspect", "--format", "{{.Id}}", TestImages.NAME).out();
            assertTrue(id.startsWith("sha256:"), id);

            Path saved = tmp.resolve("saved.tar");
            DockerCli.Result save = docker.run(Map.of(), "save", "-o", saved.toString(), TestImages.NAME);
            assertEquals(0, save.exit(), save.toString());
            Map<String, String> members = jsonMembers(saved);
            assertTrue(members.get("manifest.json").contains("\"RepoTags\":[\"jnerd-test/busybox:latest\"]"),
                    members.toString());
            assertTrue(members.get("index.json").contains("\"io.containerd.image.name\":\"docker.io/jnerd-test/busybox:latest\""),
                    members.toString());

            assertEquals(0, docker.run(Map.of(), "rmi", TestImages.NAME).exit());
            DockerCli.Result load = docker.run(Map.of(), "load", "-i", saved.toString());
            assertEquals(0, load.exit(), load.toString());
            assertEquals("Loaded image: jnerd-test/busybox:latest\n", load.out());
            assertEquals(id, docker.run(Map.of(), "image", "inspect", "--format", "{{.Id}}", TestImages.NAME).out(),
                    "the same image again");
            daemon.run("--rm", "--net", "none", TestImages.NAME, "true");

            Path byJnerd = tmp.resolve("jnerd.tar");
            Cli.Result jnerdSave = daemon.cli.run("save", "-o", byJnerd.toString(), "jnerd-test/busybox");
            assertEquals(0, jnerdSave.exitCode, jnerdSave.toString());
            DockerCli.Result again = docker.run(Map.of(), "load", "-i", byJnerd.toString());
            assertEquals("Loaded image: jnerd-test/busybox:latest\n", again.out(), again.toString());

            DockerCli.Result missing = docker.run(Map.of(), "save", "-o", tmp.resolve("none.tar").toString(), "no/such");
            assertEquals(1, missing.exit(), missing.toString());
            assertTrue(missing.err().contains("No such image: no/such"), missing.err());
            Cli.Result jnerdMissing = daemon.cli.run("save", "-o", tmp.resolve("none2.tar").toString(), "no/such");
            assertEquals(125, jnerdMissing.exitCode, jnerdMissing.toString());
            assertFalse(Files.exists(tmp.resolve("none2.tar.partial")) || Files.exists(tmp.resolve("none2.tar")));

            Path garbage = Files.writeString(tmp.resolve("garbage.tar"), "not a tar at all".repeat(64));
            DockerCli.Result bad = docker.run(Map.of(), "load", "-i", garbage.toString());
            assertEquals(1, bad.exit(), bad.toString());
            assertFalse(bad.err().isBlank(), "the reason is shown");
        }
    }

    /** The archive's JSON members by name. */
    private static Map<String, String> jsonMembers(Path tar) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".json")) {
                    out.put(e.getName(), new String(t.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
