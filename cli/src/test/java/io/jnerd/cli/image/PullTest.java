package io.jnerd.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Digest;
import io.jnerd.engine.image.ImageArchive;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.image.OciImageBuilder;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.Tars;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryEndpoint;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.content.ListContentRequest;
import io.jnerd.proto.containerd.images.ListImagesRequest;
import io.jnerd.proto.containerd.leases.ListRequest;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jnerd pull from Debian's docker-registry on 127.0.0.1 (plain HTTP), into a real containerd. */
@Tag("privileged")
class PullTest {
    static ContainerdFixture containerd;
    static RegistryFixture registry;
    @TempDir
    static Path tmp;
    static Cli cli;
    static OciImage amd64;
    static OciImage arm64;

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdFixture.start();
        registry = RegistryFixture.start(tmp.resolve("registry"));
        cli = new Cli(containerd, tmp.resolve("state"));
        Path single = TestImages.busyboxArchive(tmp);
        registry.push(single, "test/busybox:v1");
        amd64 = OciImageBuilder.busybox(TestImages.BUSYBOX).env("ARCH=amd64").build();
        arm64 = new OciImageBuilder(Platform.parse("linux/arm64")).addText("/ARCH", "arm64\n", 0644).build();
        registry.push(indexArchive(tmp.resolve("multi.tar")), "test/multi:v1");
    }

    /** An OCI layout whose index lists an amd64 and an arm64 manifest, as multi-platform images do. */
    private static Path indexArchive(Path file) throws Exception {
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        var manifests = index.putArray("manifests");
        for (Object[] m : new Object[][] {{amd64, "amd64"}, {arm64, "arm64"}}) {
            ObjectNode d = ((OciImage) m[0]).manifest().toJson();
            d.putObject("platform").put("os", "linux").put("architecture", (String) m[1]);
            manifests.add(d);
        }
        byte[] indexBytes = Json.bytes(index);
        Descriptor indexDesc = Descriptor.of(MediaTypes.OCI_INDEX, indexBytes);
        ObjectNode top = Json.object();
        top.put("schemaVersion", 2);
        top.putArray("manifests").add(indexDesc.withAnnotations(Map.of(ImageArchive.OCI_REF_NAME_ANNOTATION, "v1")).toJson());
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = Tars.writer(out)) {
            byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes();
            Tars.add(tar, Tars.file("oci-layout", layout.length, 0644), layout);
            byte[] topBytes = Json.bytes(top);
            Tars.add(tar, Tars.file("index.json", topBytes.length, 0644), topBytes);
            Tars.add(tar, Tars.file("blobs/sha256/" + Digest.hex(indexDesc.digest()), indexBytes.length, 0644), indexBytes);
            for (OciImage image : List.of(amd64, arm64)) {
                for (Map.Entry<String, byte[]> b : image.blobs().entrySet()) {
                    Tars.add(tar, Tars.file("blobs/sha256/" + Digest.hex(b.getKey()), b.getValue().length, 0644), b.getValue());
                }
            }
        }
        return file;
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (containerd != null) {
            containerd.close();
        }
    }

    @Test
    void pullByTagThenRun() {
        String image = registry.host() + "/test/busybox:v1";
        Cli.Result pull = cli.run("pull", image);
        assertEquals(0, pull.exitCode, pull.toString());
        assertTrue(pull.out.endsWith(image + "\n"), pull.out);
        Cli.Result run = cli.run("run", "--rm", "--pull", "never", image, "sh", "-c", "echo $FOO");
        assertEquals("bar\n", run.out, run.toString());
    }

    @Test
    void runPullsAMissingImage() {
        String image = registry.host() + "/test/busybox:v1";
        Cli.Result run = cli.run("-n", "run-pulls", "run", "--rm", image, "echo", "pulled by run");
        assertEquals(0, run.exitCode, run.toString());
        assertEquals("pulled by run\n", run.out);
    }

    @Test
    void pullByDigest() throws Exception {
        String digest = RegistryClient.open(RegistryEndpoint.of(registry.host(), List.of()), "test/busybox", Optional.empty())
                .manifest("v1").digest();
        String image = registry.host() + "/test/busybox@" + digest;
        Cli.Result pull = cli.run("pull", "-q", image);
        assertEquals(0, pull.exitCode, pull.toString());
        assertEquals(image + "\n", pull.out);
        assertEquals(0, cli.run("run", "--rm", image, "true").exitCode);
    }

    @Test
    void platformIsChosenFromTheIndex() throws Exception {
        String image = registry.host() + "/test/multi:v1";
        Cli.Result pull = cli.run("-n", "multi", "pull", "--platform", "linux/amd64", image);
        assertEquals(0, pull.exitCode, pull.toString());
        try (Containerd c = Containerd.connect(containerd.socket(), "multi")) {
            ContentStore content = new ContentStore(c);
            assertTrue(content.info(amd64.manifest().digest()).isPresent(), "amd64 manifest pulled");
            assertFalse(content.info(arm64.manifest().digest()).isPresent(), "arm64 manifest not pulled");
        }
        assertEquals("amd64\n", cli.run("-n", "multi", "run", "--rm", image, "sh", "-c", "echo $ARCH").out);

        Cli.Result none = cli.run("-n", "multi-none", "pull", "--platform", "linux/s390x", image);
        assertEquals(125, none.exitCode, none.toString());
        assertEquals("jnerd: " + image + ": no image for platform linux/s390x in its index\n", none.err);
        assertNothingIn("multi-none");
    }

    @Test
    void aBlobWhoseDigestDoesNotMatchIsRejectedAndNothingStays() throws Exception {
        // Its own layer (an extra file): layers are shared between repositories in the registry.
        OciImage image = OciImageBuilder.busybox(TestImages.BUSYBOX).addText("/corrupt", "yes\n", 0644).build();
        Path archive = tmp.resolve("corrupt.tar");
        image.writeOciArchive(archive, "test/corrupt:v1");
        registry.push(archive, "test/corrupt:v1");
        String layer = image.blobs().keySet().stream()
                .filter(d -> image.blobs().get(d).length > 100000).findFirst().orElseThrow();
        Path data = registry.blobData(layer);
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(data, bytes);

        Cli.Result pull = cli.run("-n", "corrupt", "pull", registry.host() + "/test/corrupt:v1");
        assertEquals(125, pull.exitCode, pull.toString());
        assertEquals(1, pull.err.lines().count(), pull.err);
        assertTrue(pull.err.contains("does not match its digest"), pull.err);
        assertNothingIn("corrupt");
    }

    @Test
    void unknownRepositoryAndUnreachableRegistryAreOneLine() {
        Cli.Result missing = cli.run("pull", registry.host() + "/test/nothing:v1");
        assertEquals(125, missing.exitCode);
        assertTrue(missing.err.contains("does not exist"), missing.err);
        Cli.Result down = cli.run("pull", "127.0.0.1:1/x:v1");
        assertEquals(125, down.exitCode);
        assertEquals("jnerd: cannot reach registry 127.0.0.1:1: connection refused\n", down.err);
    }

    private static void assertNothingIn(String namespace) throws Exception {
        try (Containerd c = Containerd.connect(containerd.socket(), namespace)) {
            assertEquals(0, c.images().list(ListImagesRequest.getDefaultInstance()).getImagesCount(), "images");
            assertEquals(0, c.leases().list(ListRequest.getDefaultInstance()).getLeasesCount(), "leases");
            int[] blobs = {0};
            c.content().list(ListContentRequest.getDefaultInstance()).forEachRemaining(r -> blobs[0] += r.getInfoCount());
            assertEquals(0, blobs[0], "content blobs");
        }
    }
}
