package io.jnerd.engine.image;

import io.jnerd.proto.containerd.images.Image;
import java.time.Instant;
import java.util.Map;

/**
 * One stored image name as listings show it (jnerd images, the Docker API's /images/json).
 *
 * @param id the digest of what the name points at (manifest or index), as nerdctl shows it
 * @param size the compressed manifest, config and layers for the host platform; -1 when
 *     that platform's content is not all there
 */
public record ImageSummary(String name, String id, Instant created, long size, Map<String, String> labels) {

    /** An image's ID as docker shows it: the digest of what its record points at. */
    static String id(Image image) {
        return image.getTarget().getDigest();
    }

    static ImageSummary of(Image image, ImageService images) {
        long size;
        try {
            ResolvedImage r = images.resolve(image.getName(), Platform.host());
            size = r.configDescriptor().size() + r.manifest().size();
            for (Descriptor l : r.layers()) {
                size += l.size();
            }
        } catch (RuntimeException e) {
            size = -1;
        }
        Instant created = Instant.ofEpochSecond(image.getCreatedAt().getSeconds(), image.getCreatedAt().getNanos());
        return new ImageSummary(image.getName(), id(image), created, size,
                Map.copyOf(image.getLabelsMap()));
    }
}
