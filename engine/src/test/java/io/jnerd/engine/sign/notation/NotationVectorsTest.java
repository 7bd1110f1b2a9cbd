package io.jnerd.engine.sign.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.NotationVerifier.Outcome;
import io.jnerd.engine.sign.notation.NotationVerifier.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Envelopes made by notation itself (notation-go's test data, in {@code ../shared/notation-vectors}
 * beside the checkout): accepted with the right trust store and policy, refused with a wrong
 * anchor, a tampered payload, an expired leaf without a valid timestamp. The clock is fixed
 * (2026-12-01), so these results do not change with the day the suite runs.
 */
class NotationVectorsTest {
    /** The marker bin/check-skips exempts, and only while the folder is really absent. */
    static final String ABSENT = "no ../shared/notation-vectors beside the checkout";
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    static final String REPO = "localhost:5000/net-monitor";
    /** SHA-256 of GlobalSign Root CA - R6, the root of the TSA that stamped the timestamped vectors. */
    static final String GLOBALSIGN_R6 = "2CABEAFE37D06CA22ABA7391C0033D25982952C453647349763A3AB5AD6CCF69";
    /** The manifest the timestamped vectors sign (not in the folder; its descriptor is in their payload). */
    static final Descriptor STAMPED_TARGET = new Descriptor(MediaTypes.DOCKER_MANIFEST,
            "sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda", 528, null, null);

    static Path vectors;
    static Descriptor alpine;
    @TempDir
    Path tmp;

    // Per test, not in @BeforeAll: Surefire counts a class whose @BeforeAll assumption fails
    // as no tests at all, so the absence would go unreported.
    @BeforeEach
    void findVectors() throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath().getParent();
        vectors = Path.of(System.getProperty("jnerd.notation.vectors",
                repoRoot.resolve("../shared/notation-vectors").normalize().toString()));
        assumeTrue(Files.isDirectory(vectors), ABSENT + " (" + vectors + "): the notation interoperability vectors are absent");
        byte[] manifest = Files.readAllBytes(vectors.resolve(
                "oci-layout/blobs/sha256/19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0"));
        alpine = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void acceptedWithItsLeafAsAnchor(String file) throws Exception {
        Outcome o = verify(alpineConfig("strict", List.of("*")), alpine, file);
        assertEquals("CN=alpine,O=Notary,L=Seattle,ST=WA,C=US", o.signer());
        assertEquals(List.of(), o.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void acceptedForItsIdentityRefusedForAnother(String file) throws Exception {
        verify(alpineConfig("strict", List.of("x509.subject: C=US, ST=WA, O=Notary, CN=alpine")), alpine, file);
        SignatureException e = assertThrows(SignatureException.class, () -> verify(
                alpineConfig("strict", List.of("x509.subject: C=US, S=WA, O=wabbit-networks.io")), alpine, file));
        assertEquals("signing certificate \"CN=alpine,O=Notary,L=Seattle,ST=WA,C=US\" is not a trusted identity of"
                + " trust policy \"test\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void refusedWithAWrongAnchor(String file) throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("notation"))
                .store("ca", "wabbit", vectors.resolve("truststore/wabbit-networks.io.crt"))
                .store("ca", "root", vectors.resolve("truststore/NotationTestRoot.pem"))
                .policy("*", "strict", List.of("ca:wabbit", "ca:root"), List.of("*"));
        SignatureException e = assertThrows(SignatureException.class, () -> verify(c, alpine, file));
        assertEquals("certificate chain of \"CN=alpine,O=Notary,L=Seattle,ST=WA,C=US\" does not lead to a trusted"
                + " certificate in ca:wabbit, ca:root", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void auditLevelOnlyLogsAWrongAnchorButStillChecksIntegrity(String file) throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("notation"))
                .store("ca", "wabbit", vectors.resolve("truststore/wabbit-networks.io.crt"))
                .policy("*", "audit", List.of("ca:wabbit"), List.of("*"));
        Outcome o = verify(c, alpine, file);
        assertEquals(1, o.warnings().size(), o.warnings().toString());
        assertTrue(o.warnings().get(0).contains("does not lead to a trusted certificate"), o.warnings().get(0));
        assertThrows(SignatureException.class, () -> verify(c, alpine, tamperedPayload(file)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void refusedWhenThePayloadWasTampered(String file) throws Exception {
        SignatureException e = assertThrows(SignatureException.class,
                () -> verify(alpineConfig("strict", List.of("*")), alpine, tamperedPayload(file)));
        assertEquals("signature does not verify with its signing certificate: the envelope or its payload was altered",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jws_signature.sig", "cose_signature.sig"})
    void refusedForAnotherManifest(String file) throws Exception {
        Descriptor other = Descriptor.of(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
        SignatureException e = assertThrows(SignatureException.class,
                () -> verify(alpineConfig("strict", List.of("*")), other, file));
        assertEquals("signature is for another artifact: its payload names " + alpine.digest() + ", the image is "
                + other.digest(), e.getMessage());
    }

    @Test
    void refusedWhenNoStatementCoversTheRepository() throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("notation"))
                .store("ca", "alpine", vectors.resolve("truststore/alpine-leaf.pem"))
                .policy("localhost:5000/other", "strict", List.of("ca:alpine"), List.of("*"));
        SignatureException e = assertThrows(SignatureException.class, () -> verify(c, alpine, "jws_signature.sig"));
        assertTrue(e.getMessage().startsWith("no statement of trust policy "), e.getMessage());
        assertTrue(e.getMessage().endsWith("has registry scope " + REPO + " (and none is global \"*\")"), e.getMessage());
    }

    @Test
    void theLeafExpiredWithoutATimestampIsRefused() throws Exception {
        NotationConfig c = alpineConfig("strict", List.of("*"));
        SignatureException e = assertThrows(SignatureException.class,
                () -> verifier(c, Instant.parse("2124-01-01T00:00:00Z")).verify(REPO, alpine, source("jws_signature.sig")));
        assertEquals("certificate \"CN=alpine,O=Notary,L=Seattle,ST=WA,C=US\" expired at 2123-08-29T13:50:00Z, before"
                + " verification time 2124-01-01T00:00:00Z", e.getMessage());
    }

    @Test
    void permissiveLevelOnlyLogsAnExpiredLeaf() throws Exception {
        Outcome o = verifier(alpineConfig("permissive", List.of("*")), Instant.parse("2124-01-01T00:00:00Z"))
                .verify(REPO, alpine, source("cose_signature.sig"));
        assertEquals(1, o.warnings().size());
        assertTrue(o.warnings().get(0).contains("expired at 2123-08-29T13:50:00Z"), o.warnings().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwsWithTimestamp.sig", "coseWithTimestamp.sig"})
    void timestampedEnvelopesAreAccepted(String file) throws Exception {
        Outcome o = verify(stampedConfig(vectors.resolve("truststore/TestTimestamp.crt"), true), STAMPED_TARGET,
                "timestamped/" + file);
        assertEquals(List.of(), o.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwsExpiredWithTimestamp.sig", "coseExpiredWithTimestamp.sig"})
    void anExpiredLeafWithAValidTimestampIsAcceptedAndWithoutATsaStoreRefused(String file) throws Exception {
        Path leaf = writeLeaf("timestamped/" + file);
        verify(stampedConfig(leaf, true), STAMPED_TARGET, "timestamped/" + file);
        SignatureException e = assertThrows(SignatureException.class,
                () -> verify(stampedConfig(leaf, false), STAMPED_TARGET, "timestamped/" + file));
        assertEquals("certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" expired at 2024-06-18T07:30:31Z, before"
                + " verification time 2026-12-01T00:00:00Z", e.getMessage());
    }

    /*
     * These two leaves were not valid at their envelope's own signing time either, and the
     * specification wants the chain valid at signing time: authenticity refuses them before
     * the timestamp is looked at (as notation does outside notation-go's unit test of the
     * timestamp step alone).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "timestampBeforeNotBefore.sig|is valid only from 2099-09-18T11:54:34Z, after signing time 2024-06-19T09:30:11Z",
        "timestampAfterNotAfter.sig|expired at 2001-09-18T11:54:34Z, before signing time 2024-06-19T09:35:54Z"})
    void aLeafNotValidWhenItSignedIsRefused(String file, String reason) throws Exception {
        NotationConfig c = stampedConfig(writeLeaf("timestamped/" + file), true);
        SignatureException e = assertThrows(SignatureException.class, () -> verify(c, STAMPED_TARGET, "timestamped/" + file));
        assertEquals("certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" " + reason, e.getMessage());
    }

    @Test
    void aPolicyWithATsaStoreRefusesAnEnvelopeWithoutTimestamp() throws Exception {
        String file = "timestamped/withoutTimestamp.sig";
        SignatureException e = assertThrows(SignatureException.class, () -> verify(
                stampedConfig(vectors.resolve("truststore/TestTimestamp.crt"), true), STAMPED_TARGET, file));
        assertEquals("signature has no timestamp countersignature, which trust policy \"test\" requires (it names tsa stores)",
                e.getMessage());
        // Without a tsa store the leaf only has to be valid now, which it is.
        verify(stampedConfig(vectors.resolve("truststore/TestTimestamp.crt"), false), STAMPED_TARGET, file);
    }

    @Test
    void aTimestampFromAnUntrustedTsaIsRefused() throws Exception {
        Path leaf = writeLeaf("timestamped/jwsExpiredWithTimestamp.sig");
        NotationConfig c = new NotationConfig(tmp.resolve("wrong-tsa")).store("ca", "leaf", leaf)
                .store("tsa", "other", vectors.resolve("truststore/GlobalSignRootCA.crt"))
                .policy("*", "strict", List.of("ca:leaf", "tsa:other"), List.of("*"));
        SignatureException e = assertThrows(SignatureException.class,
                () -> verify(c, STAMPED_TARGET, "timestamped/jwsExpiredWithTimestamp.sig"));
        assertTrue(e.getMessage().contains("does not lead to a certificate in the policy's tsa trust stores"), e.getMessage());
    }

    @Test
    void aTimestampMovedOntoAnotherSignatureIsRefused() throws Exception {
        // The expired envelope's token, pasted into the unstamped one: its imprint is another signature's.
        JsonNode stamped = Json.parse(Files.readAllBytes(vectors.resolve("timestamped/jwsExpiredWithTimestamp.sig")), "jws");
        ObjectNode bare = (ObjectNode) Json.parse(Files.readAllBytes(vectors.resolve("timestamped/withoutTimestamp.sig")), "jws");
        ((ObjectNode) bare.get("header")).set(Envelope.TIMESTAMP, stamped.at("/header/" + Envelope.TIMESTAMP.replace("/", "~1")));
        Path moved = tmp.resolve("moved.sig");
        Files.write(moved, Json.bytes(bare));
        NotationConfig c = stampedConfig(vectors.resolve("truststore/TestTimestamp.crt"), true);
        SignatureException e = assertThrows(SignatureException.class, () -> verifier(c, NOW)
                .verify(REPO, STAMPED_TARGET, () -> List.of(new Signature(Envelope.JWS, Files.readAllBytes(moved)))));
        assertEquals("timestamp countersignature is over another signature: the envelope was altered", e.getMessage());
    }

    @Test
    void skipLevelChecksNothing() throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("notation"))
                .policyJson("{\"name\":\"unsigned\",\"registryScopes\":[\"" + REPO + "\"],\"signatureVerification\":{\"level\":\"skip\"}}");
        Outcome o = verifier(c, NOW).verify(REPO, alpine, () -> {
            throw new AssertionError("a skipped verification fetches no signature");
        });
        assertTrue(o.skipped());
    }

    @Test
    void noSignatureIsRefused() throws Exception {
        SignatureException e = assertThrows(SignatureException.class,
                () -> verifier(alpineConfig("audit", List.of("*")), NOW).verify(REPO, alpine, List::of));
        assertEquals("no notation signature for " + REPO + "@" + alpine.digest(), e.getMessage());
    }

    @Test
    void aSecondGoodSignatureIsEnoughWhenTheFirstIsBad() throws Exception {
        NotationVerifier v = verifier(alpineConfig("strict", List.of("*")), NOW);
        byte[] bad = Files.readAllBytes(Path.of(tamperedPayload("jws_signature.sig")));
        Outcome o = v.verify(REPO, alpine, () -> List.of(new Signature(Envelope.JWS, bad),
                new Signature(Envelope.COSE, Files.readAllBytes(vectors.resolve("cose_signature.sig")))));
        assertFalse(o.skipped());
    }

    private NotationConfig alpineConfig(String level, List<String> identities) throws Exception {
        return new NotationConfig(tmp.resolve("notation-" + level + "-" + identities.hashCode()))
                .store("ca", "alpine", vectors.resolve("truststore/alpine-leaf.pem"))
                .policy("*", level, List.of("ca:alpine"), identities);
    }

    /** The leaf (the envelope's self-signed certificate) as CA anchor, with GlobalSign R6 as the tsa store if asked. */
    private NotationConfig stampedConfig(Path leaf, boolean tsa) throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("stamped-" + leaf.getFileName() + "-" + tsa)).store("ca", "leaf", leaf);
        if (tsa) {
            c.store("tsa", "globalsign", List.of(globalSignR6()));
        }
        return c.policy("*", "strict", tsa ? List.of("ca:leaf", "tsa:globalsign") : List.of("ca:leaf"), List.of("*"));
    }

    /**
     * The folder lacks notation-go's tsa root file, but the tokens carry the root itself: it
     * is taken from there and pinned by its published fingerprint, so trusting it trusts
     * nothing the test did not name.
     */
    private X509Certificate globalSignR6() throws Exception {
        JsonNode env = Json.parse(Files.readAllBytes(vectors.resolve("timestamped/jwsWithTimestamp.sig")), "jws");
        byte[] token = Base64.getDecoder().decode(env.path("header").path(Envelope.TIMESTAMP).asText());
        for (Object h : new CMSSignedData(token).getCertificates().getMatches(null)) {
            X509Certificate c = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) h);
            if (Certificates.thumbprint(c).equals(GLOBALSIGN_R6)) {
                return c;
            }
        }
        throw new AssertionError("the timestamp token does not carry GlobalSign Root R6");
    }

    private Path writeLeaf(String file) throws Exception {
        Envelope e = Envelope.parse(file.contains("cose") || file.contains("AfterNotAfter") ? Envelope.COSE : Envelope.JWS,
                Files.readAllBytes(vectors.resolve(file)));
        Path leaf = tmp.resolve("leaf-" + Path.of(file).getFileName() + ".pem");
        Files.writeString(leaf, Certificates.pem(e.leaf()));
        return leaf;
    }

    /** One byte of the signed payload changed: a digest character in JWS, a payload byte in COSE. */
    private String tamperedPayload(String file) throws Exception {
        byte[] bytes = Files.readAllBytes(vectors.resolve(file));
        if (file.startsWith("jws")) {
            ObjectNode env = (ObjectNode) Json.parse(bytes, "jws");
            String payload = new String(Base64.getUrlDecoder().decode(env.get("payload").asText()), StandardCharsets.UTF_8);
            env.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    payload.replace("\"size\":481", "\"size\":482").getBytes(StandardCharsets.UTF_8)));
            bytes = Json.bytes(env);
        } else {
            String s = new String(bytes, StandardCharsets.ISO_8859_1);
            int at = s.indexOf("\"size\":481");
            assertTrue(at > 0, "the COSE payload holds the descriptor");
            bytes[at + 9] = '2';
        }
        Path out = tmp.resolve("tampered-" + file);
        Files.write(out, bytes);
        return out.toString();
    }

    private Outcome verify(NotationConfig config, Descriptor target, String file) throws Exception {
        return verifier(config, NOW).verify(REPO, target, source(file));
    }

    private NotationVerifier.SignatureSource source(String file) {
        Path p = file.startsWith("/") ? Path.of(file) : vectors.resolve(file);
        String type = p.getFileName().toString().contains("cose") || p.getFileName().toString().contains("AfterNotAfter")
                ? Envelope.COSE : Envelope.JWS;
        return () -> List.of(new Signature(type, Files.readAllBytes(p)));
    }

    private static NotationVerifier verifier(NotationConfig config, Instant now) throws SignatureException {
        return NotationVerifier.fromConfig(config.dir, Clock.fixed(now, ZoneOffset.UTC));
    }
}
