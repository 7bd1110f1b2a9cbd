package io.jnerd.engine.sign.notation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.sign.SignatureException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a Notary Project signature lives in a registry (OCI 1.1): an image manifest with
 * {@code artifactType} {@value #ARTIFACT_TYPE}, the empty config, one layer that is the
 * envelope, and {@code subject} = the signed manifest. It is found through the referrers
 * API or, where the registry has none, through the referrers tag schema: an image index
 * tagged {@code sha256-<hex>} that lists the referrers of that digest.
 */
public final class SignatureManifest {
    public static final String ARTIFACT_TYPE = "application/vnd.cncf.notary.signature";
    public static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
    public static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
    static final String THUMBPRINTS = "io.cncf.notary.x509chain.thumbprint#S256";

    private SignatureManifest() {}

    public static byte[] manifest(Descriptor subject, Descriptor envelope, List<X509Certificate> chain) {
        ObjectNode m = Json.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", ARTIFACT_TYPE);
        ObjectNode config = m.putObject("config");
        config.put("mediaType", EMPTY_MEDIA_TYPE);
        config.put("digest", Descriptor.of(EMPTY_MEDIA_TYPE, EMPTY).digest());
        config.put("size", EMPTY.length);
        ArrayNode layers = m.putArray("layers");
        ObjectNode layer = layers.addObject();
        layer.put("mediaType", envelope.mediaType());
        layer.put("digest", envelope.digest());
        layer.put("size", envelope.size());
        ObjectNode s = m.putObject("subject");
        s.put("mediaType", subject.mediaType());
        s.put("digest", subject.digest());
        s.put("size", subject.size());
        ArrayNode thumbprints = Json.MAPPER.createArrayNode();
        chain.forEach(c -> thumbprints.add(Certificates.thumbprint(c)));
        m.putObject("annotations").put(THUMBPRINTS, new String(Json.bytes(thumbprints), StandardCharsets.UTF_8));
        return Json.bytes(m);
    }

    /**
     * The envelope a signature manifest holds, if it is a Notary Project signature of
     * {@code subjectDigest}; a manifest of another kind or for another subject is none.
     */
    public static Optional<Descriptor> envelopeOf(byte[] manifest, String subjectDigest) throws SignatureException {
        JsonNode m;
        try {
            m = Json.parse(manifest, "signature manifest");
        } catch (IllegalArgumentException e) {
            throw new SignatureException("signature manifest is not JSON");
        }
        boolean notary = ARTIFACT_TYPE.equals(m.path("artifactType").asText(null))
                || ARTIFACT_TYPE.equals(m.path("config").path("mediaType").asText(null));
        if (!notary || !subjectDigest.equals(m.path("subject").path("digest").asText(null))) {
            return Optional.empty();
        }
        JsonNode layers = m.path("layers");
        if (!layers.isArray() || layers.size() != 1) {
            throw new SignatureException("signature manifest has " + layers.size() + " layers: a Notary Project signature has one");
        }
        try {
            return Optional.of(Descriptor.fromJson(layers.get(0)));
        } catch (IllegalArgumentException e) {
            throw new SignatureException("signature manifest's layer: " + e.getMessage());
        }
    }

    /** The referrers tag of a digest: "sha256:abc…" is "sha256-abc…" (OCI distribution 1.1, at most 128 characters). */
    public static String referrersTag(String digest) {
        String tag = digest.replace(':', '-');
        return tag.length() > 128 ? tag.substring(0, 128) : tag;
    }

    /** The signature manifests an index of referrers lists (the referrers API's answer or the tag's index). */
    public static List<Descriptor> signatures(byte[] index) throws SignatureException {
        JsonNode i;
        try {
            i = Json.parse(index, "referrers index");
        } catch (IllegalArgumentException e) {
            throw new SignatureException("referrers index is not JSON");
        }
        List<Descriptor> found = new ArrayList<>();
        for (JsonNode d : i.path("manifests")) {
            if (ARTIFACT_TYPE.equals(d.path("artifactType").asText(null))) {
                try {
                    found.add(Descriptor.fromJson(d));
                } catch (IllegalArgumentException e) {
                    throw new SignatureException("referrers index lists a malformed descriptor: " + e.getMessage());
                }
            }
        }
        return found;
    }

    /** The referrers tag's index with {@code signature} added (an index of its own when there was none). */
    public static byte[] withReferrer(Optional<byte[]> index, Descriptor signature) {
        ObjectNode i;
        if (index.isPresent()) {
            i = (ObjectNode) Json.parse(index.get(), "referrers index");
        } else {
            i = Json.object();
            i.put("schemaVersion", 2);
            i.put("mediaType", MediaTypes.OCI_INDEX);
            i.putArray("manifests");
        }
        ArrayNode manifests = i.withArray("manifests");
        for (JsonNode d : manifests) {
            if (signature.digest().equals(d.path("digest").asText())) {
                return Json.bytes(i);
            }
        }
        ObjectNode d = manifests.addObject();
        d.put("mediaType", MediaTypes.OCI_MANIFEST);
        d.put("digest", signature.digest());
        d.put("size", signature.size());
        d.put("artifactType", ARTIFACT_TYPE);
        return Json.bytes(i);
    }
}
