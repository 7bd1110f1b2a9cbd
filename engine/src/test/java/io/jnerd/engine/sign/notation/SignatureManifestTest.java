package io.jnerd.engine.sign.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.sign.SignatureException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signature manifest and the referrers tag's index, as the OCI 1.1 and Notary Project specifications lay them out. */
class SignatureManifestTest {
    static final Descriptor SUBJECT = Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    static final Descriptor ENVELOPE = Descriptor.of(Envelope.JWS, "{}".getBytes(StandardCharsets.UTF_8));

    @Test
    void manifestRefersToItsSubjectWithTheEmptyConfig() throws Exception {
        X509Keys.Generated keys = X509Keys.generate("CN=a,O=b,ST=c,C=US", Instant.now(), Instant.now().plusSeconds(60));
        JsonNode m = Json.parse(SignatureManifest.manifest(SUBJECT, ENVELOPE, keys.chain()), "manifest");
        assertEquals(SignatureManifest.ARTIFACT_TYPE, m.path("artifactType").asText());
        assertEquals(SUBJECT.digest(), m.at("/subject/digest").asText());
        assertEquals("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", m.at("/config/digest").asText());
        assertEquals(SignatureManifest.EMPTY_MEDIA_TYPE, m.at("/config/mediaType").asText());
        assertEquals(Envelope.JWS, m.at("/layers/0/mediaType").asText());
        assertEquals("[\"" + Certificates.thumbprint(keys.leaf()) + "\",\"" + Certificates.thumbprint(keys.ca()) + "\"]",
                m.path("annotations").path(SignatureManifest.THUMBPRINTS).asText());
        assertEquals(Optional.of(ENVELOPE.digest()), SignatureManifest.envelopeOf(Json.bytes(m), SUBJECT.digest()).map(Descriptor::digest));
    }

    @Test
    void aManifestForAnotherSubjectOrOfAnotherKindHoldsNoEnvelope() throws Exception {
        byte[] m = SignatureManifest.manifest(SUBJECT, ENVELOPE, List.of());
        assertEquals(Optional.empty(), SignatureManifest.envelopeOf(m, "sha256:" + "0".repeat(64)));
        ObjectNode other = (ObjectNode) Json.parse(m, "manifest");
        other.put("artifactType", "application/vnd.dev.cosign.artifact.sig.v1+json");
        assertEquals(Optional.empty(), SignatureManifest.envelopeOf(Json.bytes(other), SUBJECT.digest()));
        ObjectNode two = (ObjectNode) Json.parse(m, "manifest");
        ((ArrayNode) two.get("layers")).add(two.get("layers").get(0).deepCopy());
        assertThrows(SignatureException.class, () -> SignatureManifest.envelopeOf(Json.bytes(two), SUBJECT.digest()));
    }

    @Test
    void referrersTagIndexGrowsOnceForEachSignatureAndListsOnlyNotarySignatures() throws Exception {
        assertEquals("sha256-" + SUBJECT.digest().substring(7), SignatureManifest.referrersTag(SUBJECT.digest()));
        Descriptor first = Descriptor.of(MediaTypes.OCI_MANIFEST, "1".getBytes(StandardCharsets.UTF_8));
        Descriptor second = Descriptor.of(MediaTypes.OCI_MANIFEST, "2".getBytes(StandardCharsets.UTF_8));
        byte[] index = SignatureManifest.withReferrer(Optional.empty(), first);
        index = SignatureManifest.withReferrer(Optional.of(index), second);
        index = SignatureManifest.withReferrer(Optional.of(index), first);
        ObjectNode withCosign = (ObjectNode) Json.parse(index, "index");
        ObjectNode cosign = withCosign.withArray("manifests").addObject();
        cosign.put("mediaType", MediaTypes.OCI_MANIFEST);
        cosign.put("digest", "sha256:" + "1".repeat(64));
        cosign.put("size", 3);
        cosign.put("artifactType", "application/vnd.dev.cosign.artifact.sig.v1+json");
        assertEquals(MediaTypes.OCI_INDEX, withCosign.path("mediaType").asText());
        List<Descriptor> listed = SignatureManifest.signatures(Json.bytes(withCosign));
        assertEquals(List.of(first.digest(), second.digest()), listed.stream().map(Descriptor::digest).toList());
        assertEquals(3, withCosign.path("manifests").size(), "the same signature is listed once");
    }
}
