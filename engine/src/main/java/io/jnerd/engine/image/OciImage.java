package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A single-manifest OCI image held in memory (blobs by digest), as {@link OciImageBuilder}
 * makes it; written out as an OCI image-layout tarball ("oci-archive") that
 * {@code jnerd load}, {@code ctr import} and {@code skopeo copy oci-archive:} read.
 */
public final class OciImage {
    private final Descriptor manifest;
    private final Map<String, byte[]> blobs;

    OciImage(Descriptor manifest, Map<String, byte[]> blobs) {
        this.manifest = manifest;
        this.blobs = Map.copyOf(blobs);
    }

    public Descriptor manifest() {
        return manifest;
    }

    public Map<String, byte[]> blobs() {
        return blobs;
    }

    /** Writes the image-layout tarball, naming the image {@code name} (e.g. docker.io/library/x:latest). */
    public void writeOciArchive(Path file, String name) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeOciArchive(out, name);
        }
    }

    public void writeOciArchive(OutputStream out, String name) throws IOException {
        ImageRef ref = ImageRef.parse(name);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(ImageArchive.CONTAINERD_NAME_ANNOTATION, ref.toString());
        if (ref.tag() != null) {
            ann.put(ImageArchive.OCI_REF_NAME_ANNOTATION, ref.tag());
        }
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        manifests.add(manifest.withAnnotations(ann).toJson());
        TarArchiveOutputStream tar = Tars.writer(out);
        byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
        byte[] indexBytes = Json.bytes(index);
        Tars.add(tar, Tars.file("oci-layout", layout.length, 0644), layout);
        Tars.add(tar, Tars.file("index.json", indexBytes.length, 0644), indexBytes);
        Tars.add(tar, Tars.directory("blobs", 0755), null);
        Tars.add(tar, Tars.directory("blobs/sha256", 0755), null);
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            Tars.add(tar, Tars.file("blobs/sha256/" + Digest.hex(blob.getKey()), blob.getValue().length, 0644),
                    blob.getValue());
        }
        tar.close();
    }
}
