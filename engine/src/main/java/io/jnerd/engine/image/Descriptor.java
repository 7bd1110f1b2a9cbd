package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/** An OCI content descriptor: media type, digest, size, and optional annotations/platform. */
public final class Descriptor {
    private final String mediaType;
    private final String digest;
    private final long size;
    private final Map<String, String> annotations;
    private final JsonNode platform;

    public Descriptor(String mediaType, String digest, long size, Map<String, String> annotations, JsonNode platform) {
        this.mediaType = mediaType;
        this.digest = Digest.validate(digest);
        this.size = size;
        this.annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        this.platform = platform;
    }

    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digest.of(content), content.length, null, null);
    }

    public static Descriptor fromJson(JsonNode n) {
        Map<String, String> ann = new TreeMap<>();
        n.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        JsonNode platform = n.get("platform");
        if (!n.hasNonNull("digest") || !n.hasNonNull("size")) {
            throw new IllegalArgumentException("descriptor without digest or size: " + n);
        }
        return new Descriptor(n.path("mediaType").asText(""), n.path("digest").asText(), n.path("size").asLong(),
                ann, platform);
    }

    public static Descriptor fromProto(io.jnerd.proto.containerd.types.Descriptor d) {
        return new Descriptor(d.getMediaType(), d.getDigest(), d.getSize(), d.getAnnotationsMap(), null);
    }

    public io.jnerd.proto.containerd.types.Descriptor toProto() {
        return io.jnerd.proto.containerd.types.Descriptor.newBuilder()
                .setMediaType(mediaType).setDigest(digest).setSize(size).putAllAnnotations(annotations).build();
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("mediaType", mediaType);
        n.put("digest", digest);
        n.put("size", size);
        if (!annotations.isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        if (platform != null) {
            n.set("platform", platform);
        }
        return n;
    }

    public Descriptor withAnnotations(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(annotations);
        all.putAll(more);
        return new Descriptor(mediaType, digest, size, all, platform);
    }

    public String mediaType() {
        return mediaType;
    }

    public String digest() {
        return digest;
    }

    public long size() {
        return size;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public JsonNode platform() {
        return platform;
    }
}
