package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.proto.containerd.content.Info;
import java.io.IOException;
import java.util.Optional;

/**
 * Pushes an image from containerd's content store: blobs first (skipped when the registry
 * has them, mounted from the repository they were pulled from when that is on the same
 * registry), then each platform's manifest by digest, and the root (manifest or index) at
 * the tag last, so the tag never names something incomplete. Manifests of an index that
 * containerd does not hold (other platforms never pulled) cannot be pushed: that is refused.
 */
public final class ImagePusher {
    private final ContentStore content;
    private final RegistryClient registry;
    private final TransferEvents progress;

    public ImagePusher(ContentStore content, RegistryClient registry, TransferEvents progress) {
        this.content = content;
        this.registry = registry;
        this.progress = progress;
    }

    /** Pushes the tree under {@code root} and tags it {@code reference}; returns the root's digest. */
    public String push(Descriptor root, String reference) throws IOException {
        pushChildren(root, 0);
        return registry.putManifest(reference, root.mediaType(), content.read(root.digest()));
    }

    private void pushChildren(Descriptor d, int depth) throws IOException {
        if (depth > 4) {
            throw new RegistryException("indexes nested too deep under " + d.digest());
        }
        JsonNode doc = Json.parse(content.read(d.digest()), d.mediaType() + " " + d.digest());
        if (MediaTypes.isIndex(d.mediaType())) {
            for (JsonNode m : doc.path("manifests")) {
                Descriptor child = Descriptor.fromJson(m);
                if (content.info(child.digest()).isEmpty()) {
                    throw new RegistryException("cannot push: containerd does not hold manifest " + child.digest()
                            + " (" + platformOf(child) + ") of the index; pull all platforms first");
                }
                pushChildren(child, depth + 1);
                registry.putManifest(child.digest(), child.mediaType(), content.read(child.digest()));
            }
        } else if (MediaTypes.isManifest(d.mediaType())) {
            pushBlob(Descriptor.fromJson(doc.path("config")));
            for (JsonNode l : doc.path("layers")) {
                pushBlob(Descriptor.fromJson(l));
            }
        } else {
            throw new RegistryException("cannot push " + d.digest() + ": unsupported media type " + d.mediaType());
        }
    }

    private void pushBlob(Descriptor blob) throws IOException {
        TransferEvents.Blob line = progress.start(blob.digest(), "Pushing", blob.size());
        if (registry.hasBlob(blob.digest())) {
            line.finish("Layer already exists");
            return;
        }
        Optional<String> from = mountSource(blob.digest());
        if (from.isPresent() && registry.mount(blob.digest(), from.get())) {
            line.finish("Mounted from " + from.get());
            return;
        }
        registry.upload(blob, () -> content.open(blob.digest()), line::advance);
        // As containerd does: remember where the blob now is, so a push to another repository can mount it.
        content.label(blob.digest(), java.util.Map.of(sourceLabel(), registry.repository()));
        line.finish("Pushed");
    }

    private String sourceLabel() {
        return ImagePuller.DISTRIBUTION_SOURCE + registry.endpoint().domain();
    }

    /** The repository of the same registry this blob was pulled from, if not this one. */
    private Optional<String> mountSource(String digest) {
        Optional<Info> info = content.info(digest);
        return info.map(i -> i.getLabelsOrDefault(sourceLabel(), ""))
                .filter(repo -> !repo.isEmpty() && !repo.equals(registry.repository()))
                .map(repo -> repo.split(",")[0]);
    }

    private static String platformOf(Descriptor d) {
        JsonNode p = d.platform();
        return p == null ? "no platform" : p.path("os").asText() + "/" + p.path("architecture").asText();
    }
}
