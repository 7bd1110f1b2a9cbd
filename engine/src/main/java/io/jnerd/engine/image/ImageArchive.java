package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An image archive unpacked into a scratch directory: an OCI image layout (oci-archive,
 * skopeo, {@code docker save} since 25) or a docker-archive ({@code docker save}'s
 * manifest.json). The archive is read once, from a file or a pipe, so stdin works.
 */
public final class ImageArchive implements AutoCloseable {
    public static final String CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
    public static final String OCI_REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    /** One image the archive names, with the descriptor of its root (index or manifest). */
    public static final class Entry {
        private final String name;
        private final Descriptor root;

        Entry(String name, Descriptor root) {
            this.name = name;
            this.root = root;
        }

        public String name() {
            return name;
        }

        public Descriptor root() {
            return root;
        }
    }

    private final Path dir;
    private final Map<String, String> links = new HashMap<>();
    /** Blobs made up by jnerd for docker-archives (their manifests), by digest. */
    private final Map<String, byte[]> synthesized = new HashMap<>();
    /** Docker-archive file paths by content digest (configs and layers live under their own names). */
    private final Map<String, String> docker = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    private ImageArchive(Path dir) {
        this.dir = dir;
    }

    public static ImageArchive read(InputStream tar, Path scratchParent) throws IOException {
        Files.createDirectories(scratchParent);
        ImageArchive a = new ImageArchive(Files.createTempDirectory(scratchParent, "load-"));
        try {
            a.spool(tar);
            a.index();
            return a;
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean has(String digest) {
        return synthesized.containsKey(digest) || Files.isRegularFile(blobPath(digest));
    }

    public byte[] readBlob(String digest) throws IOException {
        byte[] s = synthesized.get(digest);
        if (s != null) {
            return s;
        }
        try (InputStream in = openBlob(digest)) {
            return in.readAllBytes();
        }
    }

    public InputStream openBlob(String digest) throws IOException {
        byte[] s = synthesized.get(digest);
        if (s != null) {
            return new java.io.ByteArrayInputStream(s);
        }
        Path p = blobPath(digest);
        if (!Files.isRegularFile(p)) {
            throw new IOException("archive has no blob " + digest);
        }
        return Files.newInputStream(p);
    }

    private Path blobPath(String digest) {
        String path = docker.getOrDefault(digest, "blobs/sha256/" + Digest.hex(digest));
        return dir.resolve(resolveLinks(path));
    }

    private void spool(InputStream in) throws IOException {
        TarArchiveInputStream tar = Tars.reader(in);
        for (TarArchiveEntry e; (e = Tars.next(tar)) != null; ) {
            String name = Tars.normalizedName(e);
            if (name.isEmpty()) {
                continue;
            }
            for (String part : name.split("/")) {
                if (part.equals("..")) {
                    throw new IOException("archive member escapes the archive: " + e.getName());
                }
            }
            Path target = dir.resolve(name);
            if (e.isDirectory()) {
                Files.createDirectories(target);
            } else if (e.isSymbolicLink() || e.isLink()) {
                // docker save links repeated layers; keep the link as a name to resolve later.
                String link = e.isLink() ? e.getLinkName() : parentOf(name) + e.getLinkName();
                links.put(name, normalize(link));
            } else if (Tars.isRegularFile(e)) {
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    tar.transferTo(out);
                }
            }
        }
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    private static String normalize(String path) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    private String resolveLinks(String path) {
        String p = path;
        for (int hops = 0; links.containsKey(p) && hops < 16; hops++) {
            p = links.get(p);
        }
        return p;
    }

    private void index() throws IOException {
        if (Files.isRegularFile(dir.resolve("index.json")) && Files.isRegularFile(dir.resolve("oci-layout"))) {
            indexOci();
        } else if (Files.isRegularFile(dir.resolve(resolveLinks("manifest.json")))) {
            indexDocker();
        } else {
            throw new IOException("not an image archive: neither an OCI layout (index.json, oci-layout) nor a docker-archive (manifest.json)");
        }
        if (entries.isEmpty()) {
            throw new IOException("the archive names no image");
        }
    }

    private void indexOci() throws IOException {
        JsonNode index = Json.parse(Files.readAllBytes(dir.resolve("index.json")), "index.json");
        for (JsonNode m : index.path("manifests")) {
            Descriptor d = Descriptor.fromJson(m);
            String name = d.annotations().get(CONTAINERD_NAME_ANNOTATION);
            if (name == null) {
                name = d.annotations().get(OCI_REF_NAME_ANNOTATION);
            }
            if (name == null) {
                throw new IOException("index.json entry " + d.digest() + " has no image name annotation ("
                        + CONTAINERD_NAME_ANNOTATION + " or " + OCI_REF_NAME_ANNOTATION + ")");
            }
            entries.add(new Entry(ImageRef.parse(name).toString(), d));
        }
    }

    private void indexDocker() throws IOException {
        JsonNode manifests = Json.parse(Files.readAllBytes(dir.resolve(resolveLinks("manifest.json"))), "manifest.json");
        for (JsonNode m : manifests) {
            String configPath = m.path("Config").asText();
            Path config = dir.resolve(resolveLinks(configPath));
            String configDigest = Digest.of(config);
            docker.put(configDigest, configPath);
            ObjectNode manifest = Json.object();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
            manifest.set("config", new Descriptor(MediaTypes.DOCKER_CONFIG, configDigest, Files.size(config), null, null).toJson());
            var layers = manifest.putArray("layers");
            for (JsonNode l : m.path("Layers")) {
                String layerPath = l.asText();
                Path layer = dir.resolve(resolveLinks(layerPath));
                String digest = Digest.of(layer);
                docker.put(digest, layerPath);
                layers.add(new Descriptor(isGzip(layer) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.DOCKER_LAYER,
                        digest, Files.size(layer), null, null).toJson());
            }
            byte[] manifestBytes = Json.bytes(manifest);
            Descriptor md = Descriptor.of(MediaTypes.DOCKER_MANIFEST, manifestBytes);
            synthesized.put(md.digest(), manifestBytes);
            for (JsonNode tag : m.path("RepoTags")) {
                entries.add(new Entry(ImageRef.parse(tag.asText()).toString(), md));
            }
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
