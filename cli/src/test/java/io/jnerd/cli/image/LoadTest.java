package io.jnerd.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.content.Info;
import io.jnerd.proto.containerd.leases.ListRequest;
import io.jnerd.proto.containerd.snapshots.StatSnapshotRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("privileged")
class LoadTest {
    static ContainerdFixture containerd;
    @TempDir
    static Path tmp;
    static Cli cli;
    static Path archive;

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdFixture.start();
        cli = new Cli(containerd, tmp.resolve("state"));
        archive = TestImages.busyboxArchive(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    @Test
    void loadsUnpacksAndLabelsForTheCollector() throws Exception {
        Cli.Result r = cli.run("load", "-i", archive.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("Loaded image: docker.io/jnerd-test/busybox:latest\n", r.out);

        try (Containerd c = containerd.connect()) {
            ResolvedImage image = new ImageService(c).resolve(TestImages.NAME, Platform.host());
            c.snapshots().stat(StatSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey(image.chainId()).build());
            Info config = new ContentStore(c).info(image.configDescriptor().digest()).orElseThrow();
            assertEquals(image.chainId(), config.getLabelsOrThrow("containerd.io/gc.ref.snapshot.overlayfs"));
            Info manifest = new ContentStore(c).info(image.manifest().digest()).orElseThrow();
            assertEquals(image.configDescriptor().digest(), manifest.getLabelsOrThrow("containerd.io/gc.ref.content.config"));
            assertEquals(0, c.leases().list(ListRequest.getDefaultInstance()).getLeasesCount(), "the load's lease is gone");
        }

        Cli.Result again = cli.runWithInput(Files.readAllBytes(archive), "load");
        assertEquals(0, again.exitCode, again.toString());
        assertTrue(again.out.contains("docker.io/jnerd-test/busybox:latest"), again.out);
    }

    @Test
    void loadsADockerArchive() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "needs skopeo to write a docker-archive");
        Path dockerArchive = tmp.resolve("docker.tar");
        Process p = new ProcessBuilder("skopeo", "copy", "oci-archive:" + archive,
                "docker-archive:" + dockerArchive + ":example.com/team/dockerformat:v2")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        Cli.Result r = cli.run("load", "-i", dockerArchive.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("Loaded image: example.com/team/dockerformat:v2\n", r.out);
        Cli.Result run = cli.run("run", "--rm", "--pull", "never", "example.com/team/dockerformat:v2", "sh", "-c", "echo $FOO");
        assertEquals("bar\n", run.out, run.toString());
    }

    @Test
    void notAnArchiveIsOneLineAndExit125() throws Exception {
        Path junk = tmp.resolve("junk.tar");
        Files.write(junk, new byte[1024]);
        Cli.Result r = cli.run("load", "-i", junk.toString());
        assertEquals(125, r.exitCode, r.toString());
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.startsWith("jnerd: "), r.err);

        Cli.Result missing = cli.run("load", "-i", tmp.resolve("nope.tar").toString());
        assertEquals(125, missing.exitCode);
        assertTrue(missing.err.contains("no such file"), missing.err);
        assertFalse(missing.err.contains("Exception"), missing.err);
    }
}
