package io.jnerd.cli.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.cli.registry.RegistryClient;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.Lease;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pulls an image client-side, as containerd's own client does on 1.6: manifest (and index)
 * from the registry, the platform's manifest, config and layers streamed into the content
 * store (each verified by digest and size), GC labels, unpack, then the image record. All
 * in one lease; if anything fails the lease is dropped with a synchronous GC, so nothing
 * half-pulled stays behind.
 */
public final class ImagePuller {
    private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
    private final Containerd containerd;
    private final Consumer<String> progress;

    public ImagePuller(Containerd containerd, Consumer<String> progress) {
        this.containerd = containerd;
        this.progress = progress;
    }

    /** Pulls {@code ref} for {@code platform} and returns the name it is stored under. */
    public String pull(ImageRef ref, RegistryClient registry, Platform platform, String snapshotter) throws IOException {
        String name = ref.toString();
        Lease lease = containerd.newLease(LEASE_EXPIRY);
        try {
            Containerd c = lease.client();
            ContentStore content = new ContentStore(c);
            RegistryClient.Manifest root = registry.manifest(ref.digest() != null ? ref.digest() : ref.tag());
            Descriptor rootDesc = new Descriptor(root.mediaType(), root.digest(), root.bytes().length, null, null);
            RegistryClient.Manifest manifest = root;
            JsonNode rootDoc = Json.parse(root.bytes(), "manifest of " + name);
            if (MediaTypes.isIndex(root.mediaType())) {
                Descriptor chosen = choose(rootDoc, platform, name);
                manifest = registry.manifest(chosen.digest());
            }
            JsonNode doc = Json.parse(manifest.bytes(), "manifest " + manifest.digest());
            Descriptor config = Descriptor.fromJson(doc.path("config"));
            fetch(registry, content, config);
            for (JsonNode l : doc.path("layers")) {
                fetch(registry, content, Descriptor.fromJson(l));
            }
            Descriptor manifestDesc = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.bytes().length, null, null);
            content.write(manifestDesc, new ByteArrayInputStream(manifest.bytes()), GcLabels.forChildren(manifest.mediaType(), doc));
            if (manifest != root) {
                content.write(rootDesc, new ByteArrayInputStream(root.bytes()), GcLabels.forChildren(root.mediaType(), rootDoc));
            }
            ImageService images = new ImageService(c);
            ResolvedImage image = ResolvedImage.resolve(name, rootDesc, platform, content::read);
            images.unpack(c, image, snapshotter);
            images.putImage(c, name, rootDesc);
            lease.close();
            return name;
        } catch (IOException | RuntimeException e) {
            lease.closeAndCollect();
            throw e;
        }
    }

    private static Descriptor choose(JsonNode index, Platform platform, String name) {
        for (JsonNode m : index.path("manifests")) {
            Descriptor d = Descriptor.fromJson(m);
            if (platform.matches(d.platform())) {
                return d;
            }
        }
        throw new IllegalArgumentException(name + ": no image for platform " + platform + " in its index");
    }

    private void fetch(RegistryClient registry, ContentStore content, Descriptor d) throws IOException {
        String shortDigest = d.digest().substring(7, 19);
        if (content.info(d.digest()).isPresent()) {
            progress.accept(shortDigest + ": already present");
            return;
        }
        try (InputStream in = registry.blob(d.digest())) {
            content.write(d, in, Map.of());
        }
        progress.accept(shortDigest + ": pulled " + d.size() + " bytes");
    }
}
