package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * containerd's garbage collector follows labels from blob to blob: an image keeps its root
 * blob, and each blob keeps what its labels name. These are the labels containerd's own
 * importer and unpacker set (metadata/gc.go in containerd 1.6).
 */
public final class GcLabels {
    static final String CONTENT_REF = "containerd.io/gc.ref.content.";
    static final String SNAPSHOT_REF = "containerd.io/gc.ref.snapshot.";
    static final String UNCOMPRESSED = "containerd.io/uncompressed";

    private GcLabels() {}

    /** For an index or manifest blob: references to its children (manifests, config, layers). */
    public static Map<String, String> forChildren(String mediaType, JsonNode doc) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (MediaTypes.isIndex(mediaType)) {
            int i = 0;
            for (JsonNode m : doc.path("manifests")) {
                labels.put(CONTENT_REF + "m." + i++, m.path("digest").asText());
            }
        } else if (MediaTypes.isManifest(mediaType)) {
            labels.put(CONTENT_REF + "config", doc.path("config").path("digest").asText());
            int i = 0;
            for (JsonNode l : doc.path("layers")) {
                labels.put(CONTENT_REF + "l." + i++, l.path("digest").asText());
            }
        }
        return labels;
    }

    /** For an image config blob: keeps the unpacked snapshot chain alive. */
    public static Map<String, String> forSnapshot(String snapshotter, String chainId) {
        return Map.of(SNAPSHOT_REF + snapshotter, chainId);
    }
}
