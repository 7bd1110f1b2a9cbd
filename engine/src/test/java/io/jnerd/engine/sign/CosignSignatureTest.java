package io.jnerd.engine.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CosignSignatureTest {

    private static final String REPO = "127.0.0.1:5000/demo/busybox";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String OTHER = "sha256:" + "cd".repeat(32);

    private final KeyPair pair = KeyFiles.generateP256();
    private final CosignVerifier verifier = new CosignVerifier(pair.getPublic(), "cosign.pub");

    @Test
    void payloadHasCosignsFieldsAndParsesBack() throws Exception {
        byte[] bytes = new SimpleSigningPayload(REPO, DIGEST).toBytes();
        JsonNode n = new ObjectMapper().readTree(bytes);
        assertEquals(REPO, n.at("/critical/identity/docker-reference").asText());
        assertEquals(DIGEST, n.at("/critical/image/docker-manifest-digest").asText());
        assertEquals("cosign container image signature", n.at("/critical/type").asText());
        assertEquals(DIGEST, SimpleSigningPayload.parse(bytes).manifestDigest());
    }

    @Test
    void artifactIsStoredTheWayCosignStoresIt() throws Exception {
        SignatureArtifact a = new CosignSigner(pair.getPrivate()).sign(REPO, DIGEST, Optional.empty());
        assertEquals("sha256-" + "ab".repeat(32) + ".sig", SignatureArtifact.tagFor(DIGEST));
        JsonNode m = new ObjectMapper().readTree(a.manifest());
        assertEquals("application/vnd.oci.image.manifest.v1+json", m.path("mediaType").asText());
        JsonNode layer = m.path("layers").get(0);
        assertEquals("application/vnd.dev.cosign.simplesigning.v1+json", layer.path("mediaType").asText());
        assertTrue(layer.at("/annotations/dev.cosignproject.cosign~1signature").asText().length() > 60);
        Map<String, byte[]> blobs = a.blobs();
        assertTrue(blobs.containsKey(m.at("/config/digest").asText()));
        assertArrayEquals(a.layers().get(0).payload(), blobs.get(layer.path("digest").asText()));
        // and a manifest read back through its blobs verifies
        SignatureArtifact back = SignatureArtifact.parse(a.manifest(), (d, s) -> blobs.get(d));
        assertEquals(DIGEST, verifier.verify(REPO, DIGEST, Optional.of(back)).manifestDigest());
    }

    @Test
    void signaturesOfSeveralKeysAccumulate() throws Exception {
        SignatureArtifact first = new CosignSigner(KeyFiles.generateP256().getPrivate()).sign(REPO, DIGEST, Optional.empty());
        SignatureArtifact both = new CosignSigner(pair.getPrivate()).sign(REPO, DIGEST, Optional.of(first));
        assertEquals(2, both.layers().size());
        assertEquals(DIGEST, verifier.verify(REPO, DIGEST, Optional.of(both)).manifestDigest());
    }

    @Test
    void eachRefusalSaysWhichCaseItIs() throws Exception {
        SignatureArtifact signed = new CosignSigner(pair.getPrivate()).sign(REPO, DIGEST, Optional.empty());

        String none = refusal(verifier, DIGEST, Optional.empty());
        assertTrue(none.startsWith("no cosign signature for img"), none);

        CosignVerifier wrongKey = new CosignVerifier(KeyFiles.generateP256().getPublic(), "other.pub");
        String wrong = refusal(wrongKey, DIGEST, Optional.of(signed));
        assertTrue(wrong.contains("does not verify with other.pub"), wrong);

        String copied = refusal(verifier, OTHER, Optional.of(signed));
        assertTrue(copied.contains("is for another image: its payload names " + DIGEST), copied);

        byte[] payload = signed.layers().get(0).payload();
        byte[] tampered = new String(payload, StandardCharsets.UTF_8).replace(DIGEST, OTHER).getBytes(StandardCharsets.UTF_8);
        String altered = refusal(verifier, OTHER, Optional.of(new SignatureArtifact(
                List.of(new SignatureArtifact.Layer(tampered, signed.layers().get(0).signatureBase64())))));
        assertTrue(altered.contains("payload or signature was altered"), altered);

        String notBase64 = refusal(verifier, DIGEST, Optional.of(new SignatureArtifact(
                List.of(new SignatureArtifact.Layer(payload, "%%%not base64%%%")))));
        assertTrue(notBase64.contains("not valid base64"), notBase64);
    }

    @Test
    void keysRoundTripThroughPemWithAndWithoutPassword(@TempDir Path dir) throws Exception {
        KeyFiles.write(pair, dir.resolve("plain.key"), dir.resolve("plain.pub"), null);
        KeyFiles.write(pair, dir.resolve("enc.key"), dir.resolve("enc.pub"), "s3cret".toCharArray());
        assertTrue(Files.readString(dir.resolve("plain.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("enc.key")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("enc.key"))));
        assertEquals(pair.getPublic(), KeyFiles.readPublic(dir.resolve("plain.pub")));
        assertEquals(pair.getPrivate(), KeyFiles.readPrivate(dir.resolve("plain.key"), () -> null));
        assertEquals(pair.getPrivate(), KeyFiles.readPrivate(dir.resolve("enc.key"), "s3cret"::toCharArray));
        SignatureException e = assertThrows(SignatureException.class,
                () -> KeyFiles.readPrivate(dir.resolve("enc.key"), "wrong"::toCharArray));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
        assertThrows(java.io.IOException.class, () -> KeyFiles.write(pair, dir.resolve("plain.key"), dir.resolve("x.pub"), null));
        SignatureException notPub = assertThrows(SignatureException.class, () -> KeyFiles.readPublic(dir.resolve("plain.key")));
        assertTrue(notPub.getMessage().contains("not a public key"), notPub.getMessage());
    }

    private static String refusal(CosignVerifier v, String digest, Optional<SignatureArtifact> a) {
        return assertThrows(SignatureException.class, () -> v.verify("img", digest, a)).getMessage();
    }
}
