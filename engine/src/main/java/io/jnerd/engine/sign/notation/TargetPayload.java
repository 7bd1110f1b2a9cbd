package io.jnerd.engine.sign.notation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.sign.SignatureException;

/**
 * The Notary Project payload, {@code {"targetArtifact": descriptor}}: what a signature
 * vouches for. Verification compares the signed descriptor's digest, media type and size
 * with the manifest being pulled; user annotations in it are kept but not required.
 */
public final class TargetPayload {

    private TargetPayload() {}

    public static byte[] of(Descriptor target) {
        ObjectNode root = Json.object();
        ObjectNode d = root.putObject("targetArtifact");
        d.put("mediaType", target.mediaType());
        d.put("digest", target.digest());
        d.put("size", target.size());
        return Json.bytes(root);
    }

    /** Refuses unless {@code payload} names exactly {@code target} (digest, media type, size). */
    public static void check(byte[] payload, Descriptor target) throws SignatureException {
        JsonNode root;
        try {
            root = Json.parse(payload, "signed payload");
        } catch (IllegalArgumentException e) {
            throw new SignatureException(e.getMessage().lines().findFirst().orElse("signed payload is not JSON"));
        }
        JsonNode d = root.path("targetArtifact");
        if (!d.isObject()) {
            throw new SignatureException("signed payload has no targetArtifact");
        }
        String digest = d.path("digest").asText("");
        if (!digest.equals(target.digest())) {
            throw new SignatureException("signature is for another artifact: its payload names " + digest
                    + ", the image is " + target.digest());
        }
        if (!d.path("mediaType").asText("").equals(target.mediaType()) || !d.path("size").canConvertToLong()
                || d.path("size").asLong() != target.size()) {
            throw new SignatureException("signed payload names " + digest + " as " + d.path("mediaType").asText("")
                    + " of " + d.path("size").asText("?") + " bytes, the image's manifest is " + target.mediaType()
                    + " of " + target.size() + " bytes");
        }
    }
}
