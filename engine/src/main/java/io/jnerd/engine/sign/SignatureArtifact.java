package io.jnerd.engine.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cosign signature as stored in a registry: an OCI image manifest tagged
 * {@code sha256-<hex>.sig} in the signed image's repository, whose layers are simple
 * signing payloads (media type {@value #LAYER_MEDIA_TYPE}) each carrying its base64
 * signature in the annotation {@value #SIGNATURE_ANNOTATION}.
 */
public final class SignatureArtifact {

    public static final String LAYER_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One signed payload: its bytes and the base64 signature over them. */
    public record Layer(byte[] payload, String signatureBase64) {}

    private final List<Layer> layers;

    public SignatureArtifact(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The tag cosign uses: "sha256:abc…" becomes "sha256-abc….sig". */
    public static String tagFor(String manifestDigest) {
        int colon = manifestDigest.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a digest: " + manifestDigest);
        }
        return manifestDigest.substring(0, colon) + "-" + manifestDigest.substring(colon + 1) + ".sig";
    }

    /** Every blob the manifest refers to, by digest: the config and each payload. */
    public Map<String, byte[]> blobs() {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        blobs.put(digest(config()), config());
        for (Layer l : layers) {
            blobs.put(digest(l.payload()), l.payload());
        }
        return blobs;
    }

    public byte[] manifest() {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MANIFEST_MEDIA_TYPE);
        descriptor(m.putObject("config"), CONFIG_MEDIA_TYPE, config());
        ArrayNode ls = m.putArray("layers");
        for (Layer l : layers) {
            ObjectNode d = ls.addObject();
            descriptor(d, LAYER_MEDIA_TYPE, l.payload());
            d.putObject("annotations").put(SIGNATURE_ANNOTATION, l.signatureBase64());
        }
        return bytes(m);
    }

    /**
     * The signatures a manifest lists; {@code fetch} gets a payload by digest (the
     * registry client checks each blob against its digest).
     */
    public static SignatureArtifact parse(byte[] manifest, BlobFetcher fetch) throws SignatureException, IOException {
        JsonNode m;
        try {
            m = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new SignatureException("signature manifest is not JSON: " + e.getMessage());
        }
        List<Layer> found = new ArrayList<>();
        for (JsonNode l : m.path("layers")) {
            if (!LAYER_MEDIA_TYPE.equals(l.path("mediaType").asText())) {
                continue; // attestations and other artifacts can share the tag in newer cosign
            }
            String sig = l.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
            if (!sig.isEmpty()) {
                found.add(new Layer(fetch.fetch(l.path("digest").asText(), l.path("size").asLong()), sig));
            }
        }
        return new SignatureArtifact(found);
    }

    /** Gets a blob of the signature's repository. */
    @FunctionalInterface
    public interface BlobFetcher {
        byte[] fetch(String digest, long size) throws IOException;
    }

    // cosign's config: an image config with no platform and one "diff id" per layer.
    private byte[] config() {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "");
        c.put("os", "");
        c.putObject("config");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (Layer l : layers) {
            diffIds.add(digest(l.payload()));
        }
        return bytes(c);
    }

    private static void descriptor(ObjectNode d, String mediaType, byte[] content) {
        d.put("mediaType", mediaType);
        d.put("size", content.length);
        d.put("digest", digest(content));
    }

    public static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static byte[] decodeSignature(String base64) throws SignatureException {
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new SignatureException("signature annotation is not base64: altered");
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
