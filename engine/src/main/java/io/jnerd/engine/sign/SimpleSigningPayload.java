package io.jnerd.engine.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON document a cosign signature signs ("simple signing", from
 * containers/image): which repository and which manifest digest it vouches for. The
 * signature covers these exact bytes, so verification parses the bytes it checked, never
 * a re-serialisation.
 */
public final class SimpleSigningPayload {

    public static final String TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String dockerReference;
    private final String manifestDigest;

    public SimpleSigningPayload(String dockerReference, String manifestDigest) {
        this.dockerReference = dockerReference;
        this.manifestDigest = manifestDigest;
    }

    /** The repository (no tag, no digest) as cosign writes it, e.g. 127.0.0.1:5000/demo/busybox. */
    public String dockerReference() {
        return dockerReference;
    }

    /** "sha256:…" of the signed image manifest. */
    public String manifestDigest() {
        return manifestDigest;
    }

    public byte[] toBytes() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest);
        critical.put("type", TYPE);
        root.putNull("optional");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a tree of strings", e);
        }
    }

    /** Parses signed bytes; a payload that is not a cosign image signature is refused. */
    public static SimpleSigningPayload parse(byte[] bytes) throws SignatureException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SignatureException("signature payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode critical = root == null ? null : root.get("critical");
        if (critical == null || !TYPE.equals(critical.path("type").asText())) {
            throw new SignatureException("signature payload is not a \"" + TYPE + "\": "
                    + new String(bytes, 0, Math.min(bytes.length, 80), StandardCharsets.UTF_8));
        }
        String digest = critical.path("image").path("docker-manifest-digest").asText("");
        if (digest.isEmpty()) {
            throw new SignatureException("signature payload names no critical.image.docker-manifest-digest");
        }
        return new SimpleSigningPayload(critical.path("identity").path("docker-reference").asText(""), digest);
    }
}
