package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code save}: images from containerd's content store as one tarball that is both an OCI
 * image layout (index.json naming each image, as {@code ctr import} and {@code jnerd load}
 * read it) and a docker archive (manifest.json with RepoTags, as {@code docker load} reads
 * it) — the layout Docker 25 writes. Each image is its manifest for one platform (what is
 * in the store of a multi-platform image), so the archive never points at a missing blob.
 */
public final class ImageExport {
    private final Containerd containerd;

    public ImageExport(Containerd containerd) {
        this.containerd = containerd;
    }

    /**
     * Resolves every name first (a missing one fails with one line before anything is
     * written), then writes the tarball to {@code out}, each blob once.
     */
    public void write(List<String> names, Platform platform, OutputStream out) throws IOException {
        ImageService images = new ImageService(containerd);
        List<ResolvedImage> resolved = new ArrayList<>();
        for (String n : names) {
            resolved.add(images.resolve(n, platform));
        }
        ContentStore content = new ContentStore(containerd);
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        ArrayNode docker = Json.MAPPER.createArrayNode();
        Map<String, Descriptor> blobs = new LinkedHashMap<>();
        for (ResolvedImage image : resolved) {
            ImageRef ref = ImageRef.parse(image.name());
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(ImageArchive.CONTAINERD_NAME_ANNOTATION, ref.toString());
            if (ref.tag() != null) {
                annotations.put(ImageArchive.OCI_REF_NAME_ANNOTATION, ref.tag());
            }
            manifests.add(image.manifest().withAnnotations(annotations).toJson());
            ObjectNode entry = docker.addObject();
            entry.put("Config", blobPath(image.configDescriptor()));
            entry.putArray("RepoTags").add(ref.familiar());
            ArrayNode layers = entry.putArray("Layers");
            image.layers().forEach(l -> layers.add(blobPath(l)));
            for (Descriptor d : descriptors(image)) {
                blobs.putIfAbsent(d.digest(), d);
            }
        }
        TarArchiveOutputStream tar = Tars.writer(out);
        byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
        byte[] indexBytes = Json.bytes(index);
        byte[] dockerBytes = Json.bytes(docker);
        Tars.add(tar, Tars.file("oci-layout", layout.length, 0644), layout);
        Tars.add(tar, Tars.file("index.json", indexBytes.length, 0644), indexBytes);
        Tars.add(tar, Tars.file("manifest.json", dockerBytes.length, 0644), dockerBytes);
        Tars.add(tar, Tars.directory("blobs", 0755), null);
        Tars.add(tar, Tars.directory("blobs/sha256", 0755), null);
        for (Descriptor d : blobs.values()) {
            tar.putArchiveEntry(Tars.file(blobPath(d), d.size(), 0644));
            // Commons Compress refuses a member that ends short of, or runs past, its header's size.
            try (InputStream in = content.open(d.digest())) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.close();
    }

    private static List<Descriptor> descriptors(ResolvedImage image) {
        List<Descriptor> all = new ArrayList<>();
        all.add(image.manifest());
        all.add(image.configDescriptor());
        all.addAll(image.layers());
        return all;
    }

    private static String blobPath(Descriptor d) {
        return "blobs/sha256/" + Digest.hex(d.digest());
    }
}
