package io.jnerd.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImageBuilderTest {
    @TempDir
    Path tmp;

    private static OciImage image() throws Exception {
        return new OciImageBuilder(Platform.parse("linux/amd64"))
                .addText("/etc/motd", "hi\n", 0644).addSymlink("/bin/sh", "busybox")
                .env("A=1").workdir("/w").user("app").entrypoint(List.of("/bin/sh")).cmd(List.of("-c", "true"))
                .build();
    }

    @Test
    void sameInputSameDigests() throws Exception {
        assertEquals(image().manifest().digest(), image().manifest().digest());
    }

    @Test
    void archiveIsAnOciLayoutThatImageArchiveReadsBack() throws Exception {
        OciImage image = image();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        image.writeOciArchive(tar, "example.com/team/app:v1");
        try (ImageArchive archive = ImageArchive.read(new ByteArrayInputStream(tar.toByteArray()), tmp)) {
            assertEquals(1, archive.entries().size());
            assertEquals("example.com/team/app:v1", archive.entries().get(0).name());
            ResolvedImage r = ResolvedImage.resolve("x", archive.entries().get(0).root(), Platform.parse("linux/amd64"), d -> {
                try {
                    return archive.readBlob(d);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            JsonNode config = r.config().path("config");
            assertEquals("/w", config.path("WorkingDir").asText());
            assertEquals("app", config.path("User").asText());
            assertEquals("/bin/sh", config.path("Entrypoint").get(0).asText());
            assertEquals(1, r.layers().size());
            assertEquals(1, r.diffIds().size());
            assertEquals(r.diffIds().get(0), r.chainId(), "one layer: the chain ID is its diff ID");
            // The layer's content hashes to the diff ID once decompressed.
            byte[] layer = archive.readBlob(r.layers().get(0).digest());
            byte[] raw = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(layer)).readAllBytes();
            assertEquals(r.diffIds().get(0), Digest.of(raw));
            assertTrue(new String(raw, StandardCharsets.ISO_8859_1).contains("etc/motd"));
        }
    }

    @Test
    void chainIdFollowsTheImageSpec() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        assertEquals(Digest.of((a + " " + b).getBytes(StandardCharsets.US_ASCII)), Digest.chainId(List.of(a, b)));
    }
}
