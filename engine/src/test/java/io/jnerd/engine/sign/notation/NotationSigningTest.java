package io.jnerd.engine.sign.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.NotationVerifier.Signature;
import io.jnerd.engine.sign.notation.X509Keys.Usage;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelopes jnerd signs, verified by jnerd; and every rule of the chain, header and policy that refuses one. */
class NotationSigningTest {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    static final String REPO = "127.0.0.1:5000/signed/app";
    static final String SUBJECT = "CN=builder,O=jnerd,ST=WA,C=US";
    static final Descriptor TARGET = Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;
    final X509Keys.Generated keys;

    NotationSigningTest() throws SignatureException {
        keys = X509Keys.generate(SUBJECT, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    }

    @Test
    void aJnerdSignatureVerifiesAgainstItsCa() throws Exception {
        byte[] envelope = signer().sign(TARGET);
        NotationVerifier.Outcome o = verify(envelope, "x509.subject: C=US, ST=WA, O=jnerd, CN=builder");
        assertEquals(SUBJECT, o.signer());
        Envelope e = Envelope.parse(Envelope.JWS, envelope);
        assertEquals(SignatureAlgorithm.ES256, e.algorithm());
        assertEquals(NOW, e.signingTime());
        assertEquals(2, e.chain().size());
    }

    @Test
    void signedPayloadIsTheTargetDescriptor() throws Exception {
        JsonNode payload = Json.parse(Envelope.parse(Envelope.JWS, signer().sign(TARGET)).payload(), "payload");
        assertEquals(TARGET.digest(), payload.at("/targetArtifact/digest").asText());
        assertEquals(TARGET.size(), payload.at("/targetArtifact/size").asLong());
        assertEquals(MediaTypes.OCI_MANIFEST, payload.at("/targetArtifact/mediaType").asText());
    }

    @Test
    void anUnknownCriticalHeaderIsRefused() throws Exception {
        byte[] envelope = withProtectedHeader(signer().sign(TARGET), h -> {
            h.put("io.example.mustUnderstand", "x");
            h.withArray("crit").add("io.example.mustUnderstand");
        });
        SignatureException e = assertThrows(SignatureException.class, () -> verify(envelope, "*"));
        assertEquals("envelope has critical header \"io.example.mustUnderstand\" that jnerd does not understand: refused",
                e.getMessage());
    }

    @Test
    void aMissingSigningSchemeOrUncriticalExpiryIsRefused() throws Exception {
        byte[] noScheme = withProtectedHeader(signer().sign(TARGET), h -> h.remove("crit"));
        assertEquals("JWS protected header has no crit list",
                assertThrows(SignatureException.class, () -> verify(noScheme, "*")).getMessage());
        byte[] expiry = withProtectedHeader(signer().sign(TARGET), h -> h.put(Envelope.EXPIRY, "2027-01-01T00:00:00Z"));
        assertEquals("envelope has io.cncf.notary.expiry but does not mark it critical",
                assertThrows(SignatureException.class, () -> verify(expiry, "*")).getMessage());
    }

    @Test
    void aSigningAuthoritySignatureIsCheckedAgainstSigningAuthorityStoresAtItsAuthenticTime() throws Exception {
        byte[] inside = signingAuthority(NOW);
        NotationConfig sa = new NotationConfig(tmp.resolve("sa")).store("signingAuthority", "jnerd", List.of(keys.ca()))
                .policy("*", "strict", List.of("signingAuthority:jnerd"), List.of("*"));
        NotationVerifier v = NotationVerifier.fromConfig(sa.dir, Clock.fixed(NOW.plus(Duration.ofDays(365)), ZoneOffset.UTC));
        assertEquals(SUBJECT, v.verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, inside))).signer());
        byte[] before = signingAuthority(NOW.minus(Duration.ofDays(2)));
        SignatureException e = assertThrows(SignatureException.class,
                () -> v.verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, before))));
        assertTrue(e.getMessage().startsWith("certificate \"" + SUBJECT + "\" is valid only from"), e.getMessage());
        assertEquals("trust policy \"test\" has no signingAuthority trust store for a notary.x509.signingAuthority signature",
                assertThrows(SignatureException.class, () -> verify(inside, "*")).getMessage());
    }

    /** This test's envelope re-signed under scheme notary.x509.signingAuthority with an authentic signing time. */
    private byte[] signingAuthority(Instant authentic) throws Exception {
        return withProtectedHeader(signer().sign(TARGET), h -> {
            h.put(Envelope.SIGNING_SCHEME, Envelope.SCHEME_SIGNING_AUTHORITY);
            h.remove(Envelope.SIGNING_TIME);
            h.put(Envelope.AUTHENTIC_SIGNING_TIME, authentic.toString());
            h.withArray("crit").add(Envelope.AUTHENTIC_SIGNING_TIME);
        });
    }

    @Test
    void anotherAlgorithmThanTheKeysIsRefused() throws Exception {
        byte[] envelope = withProtectedHeader(signer().sign(TARGET), h -> h.put("alg", "ES384"));
        assertEquals("envelope says ES384 but the signing certificate's key signs with ES256: refused",
                assertThrows(SignatureException.class, () -> verify(envelope, "*")).getMessage());
        byte[] none = withProtectedHeader(signer().sign(TARGET), h -> h.put("alg", "none"));
        assertTrue(assertThrows(SignatureException.class, () -> verify(none, "*")).getMessage()
                .startsWith("signature algorithm \"none\" is not one the Notary Project allows"));
    }

    @Test
    void aSignatureWithAnotherKeyIsRefused() throws Exception {
        // Another key's signature carrying this chain: the signature does not verify with the leaf.
        X509Keys.Generated other = X509Keys.generate(SUBJECT, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
        byte[] forged = JwsEnvelope.sign(TargetPayload.of(TARGET), other.key(), keys.chain(), NOW, Optional.empty());
        assertEquals("signature does not verify with its signing certificate: the envelope or its payload was altered",
                assertThrows(SignatureException.class, () -> verify(forged, "*")).getMessage());
    }

    @Test
    void anExpiredSignerIsRefusedAndAnExpiredSignatureToo() throws Exception {
        byte[] envelope = signer().sign(TARGET);
        SignatureException e = assertThrows(SignatureException.class,
                () -> verifier(NOW.plus(Duration.ofDays(31)), "*").verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, envelope))));
        assertTrue(e.getMessage().startsWith("certificate \"" + SUBJECT + "\" expired at "), e.getMessage());
        byte[] expiring = JwsEnvelope.sign(TargetPayload.of(TARGET), keys.key(), keys.chain(), NOW, Optional.of(NOW.plusSeconds(60)));
        e = assertThrows(SignatureException.class, () -> verifier(NOW.plusSeconds(60), "*")
                .verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, expiring))));
        assertTrue(e.getMessage().contains("expired at " + NOW.plusSeconds(60) + " (its signer's \"best by\" time)"), e.getMessage());
    }

    @Test
    void chainRulesRefuseWrongUsages() throws Exception {
        KeyPair caKey = KeyFiles.generateP256();
        X500Principal ca = new X500Principal("CN=ca,O=jnerd,ST=WA,C=US");
        X500Principal leaf = new X500Principal(SUBJECT);
        Instant from = NOW.minusSeconds(60);
        Instant to = NOW.plusSeconds(3600);
        X509Certificate goodCa = X509Keys.certificate(caKey, ca, caKey.getPrivate(), ca, from, to, Usage.CA);
        KeyPair leafKey = KeyFiles.generateP256();
        assertRefused("lacks the digitalSignature key usage", List.of(X509Keys.certificate(leafKey, leaf, caKey.getPrivate(), ca,
                from, to, new Usage(false, KeyUsage.nonRepudiation, List.of())), goodCa));
        assertRefused("has extended key usage 1.3.6.1.5.5.7.3.1, not one for code signing", List.of(X509Keys.certificate(leafKey,
                leaf, caKey.getPrivate(), ca, from, to, new Usage(false, KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_serverAuth))), goodCa));
        assertRefused("is a CA certificate: a leaf must not be", List.of(X509Keys.certificate(leafKey, leaf, caKey.getPrivate(), ca,
                from, to, Usage.CA), goodCa));
        X509Certificate goodLeaf = X509Keys.certificate(leafKey, leaf, caKey.getPrivate(), ca, from, to, Usage.CODE_SIGNING);
        assertRefused("has no critical basic constraints with cA true", List.of(goodLeaf,
                X509Keys.certificate(caKey, ca, caKey.getPrivate(), ca, from, to, new Usage(false, KeyUsage.keyCertSign, List.of()))));
        assertRefused("is not issued by", List.of(goodLeaf, keys.ca()));
        assertRefused("does not end at a root", List.of(goodLeaf));
        CertificateRules.check(List.of(goodLeaf, goodCa), CertificateRules.Purpose.CODE_SIGNING, true);
    }

    @Test
    void aChainThatNamesACrlIsAcceptedWithAWarningThatRevocationWasNotChecked() throws Exception {
        KeyPair caKey = KeyFiles.generateP256();
        X500Principal caName = new X500Principal("CN=crl ca,O=jnerd,ST=WA,C=US");
        X509Certificate ca = X509Keys.certificate(caKey, caName, caKey.getPrivate(), caName, NOW.minusSeconds(60),
                NOW.plusSeconds(3600), Usage.CA);
        KeyPair leafKey = KeyFiles.generateP256();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, BigInteger.TEN, Date.from(NOW.minusSeconds(60)),
                Date.from(NOW.plusSeconds(3600)), new X500Principal(SUBJECT), leafKey.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        GeneralNames crl = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "http://crl.example/ca.crl"));
        b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
            new DistributionPoint(new DistributionPointName(crl), null, null)}));
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        byte[] envelope = JwsEnvelope.sign(TargetPayload.of(TARGET), leafKey.getPrivate(), List.of(leaf, ca), NOW, Optional.empty());
        NotationConfig c = new NotationConfig(tmp.resolve("crl")).store("ca", "jnerd", List.of(ca))
                .policy("*", "strict", List.of("ca:jnerd"), List.of("*"));
        NotationVerifier.Outcome o = NotationVerifier.fromConfig(c.dir, Clock.fixed(NOW, ZoneOffset.UTC))
                .verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, envelope)));
        assertEquals(List.of("revocation of \"" + SUBJECT + "\" not checked: jnerd does not ask the OCSP or CRL servers"
                + " a certificate names"), o.warnings());
    }

    @Test
    void theSignerRefusesAKeyThatIsNotTheLeafs() throws Exception {
        X509Keys.Generated other = X509Keys.generate(SUBJECT, NOW.minusSeconds(60), NOW.plusSeconds(3600));
        SignatureException e = assertThrows(SignatureException.class,
                () -> new NotationSigner(other.key(), keys.chain(), Clock.fixed(NOW, ZoneOffset.UTC)));
        assertEquals("the signing key does not belong to certificate \"" + SUBJECT + "\"", e.getMessage());
    }

    @Test
    void generatedFilesLoadBackAndSign() throws Exception {
        List<Path> files = X509Keys.write(keys, tmp.resolve("notation").toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        NotationSigner loaded = NotationSigner.load(files.get(0), files.get(1), () -> new char[0], Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(keys.chain(), loaded.chain());
        assertEquals(List.of(keys.ca()), Certificates.read(files.get(2)));
        assertThrows(java.io.IOException.class, () -> X509Keys.write(keys, tmp.resolve("notation").toString()));
    }

    @Test
    void trustPolicyMistakesAreNamed() throws Exception {
        assertPolicyRefused("level skip cannot have the global scope", "{\"name\":\"a\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"skip\"}}");
        assertPolicyRefused("must be a full repository", "{\"name\":\"a\",\"registryScopes\":[\"*\",\"x/y\"],"
                + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:x\"],\"trustedIdentities\":[\"*\"]}");
        assertPolicyRefused("is not TYPE:NAME", "{\"name\":\"a\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"x509:x\"],\"trustedIdentities\":[\"*\"]}");
        assertPolicyRefused("must name C, ST (or S) and O", "{\"name\":\"a\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:x\"],\"trustedIdentities\":[\"x509.subject: CN=a\"]}");
        assertPolicyRefused("overlap", "{\"name\":\"a\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:x\"],\"trustedIdentities\":"
                + "[\"x509.subject: C=US, ST=WA, O=x\",\"x509.subject: C=US, ST=WA, O=x, OU=y\"]}");
        assertPolicyRefused("is in more than one statement", "{\"name\":\"a\",\"registryScopes\":[\"r/x\"],"
                + "\"signatureVerification\":{\"level\":\"skip\"}}", "{\"name\":\"b\",\"registryScopes\":[\"r/x\"],"
                + "\"signatureVerification\":{\"level\":\"skip\"}}");
        assertPolicyRefused("level \"lenient\"", "{\"name\":\"a\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"lenient\"},\"trustStores\":[\"ca:x\"],\"trustedIdentities\":[\"*\"]}");
    }

    @Test
    void theMostSpecificScopeWins() throws Exception {
        NotationConfig c = config("*").policyJson(
                "{\"name\":\"global\",\"registryScopes\":[\"*\"],\"signatureVerification\":{\"level\":\"strict\"},"
                        + "\"trustStores\":[\"ca:jnerd\"],\"trustedIdentities\":[\"*\"]}",
                "{\"name\":\"unsigned\",\"registryScopes\":[\"" + REPO + "\"],\"signatureVerification\":{\"level\":\"skip\"}}");
        NotationVerifier v = NotationVerifier.fromConfig(c.dir, Clock.fixed(NOW, ZoneOffset.UTC));
        assertTrue(v.verify(REPO, TARGET, List::of).skipped());
        assertThrows(SignatureException.class, () -> v.verify(REPO + "-other", TARGET, List::of));
    }

    @Test
    void aSymlinkedTrustStoreIsRefused() throws Exception {
        NotationConfig c = config("*");
        Path real = c.dir.resolve("truststore/x509/ca/jnerd");
        Files.createSymbolicLink(c.dir.resolve("truststore/x509/ca/linked"), real);
        SignatureException e = assertThrows(SignatureException.class,
                () -> new TrustStore(c.dir.resolve("truststore")).certificates("ca", "linked"));
        assertTrue(e.getMessage().startsWith("trust store ca:linked is a symlink"), e.getMessage());
        assertThrows(SignatureException.class, () -> new TrustStore(c.dir.resolve("truststore")).certificates("ca", ".."));
    }

    private void assertPolicyRefused(String message, String... statements) throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("policy-" + System.nanoTime())).policyJson(statements);
        SignatureException e = assertThrows(SignatureException.class, () -> NotationVerifier.fromConfig(c.dir, Clock.systemUTC()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private void assertRefused(String message, List<X509Certificate> chain) {
        SignatureException e = assertThrows(SignatureException.class,
                () -> CertificateRules.check(chain, CertificateRules.Purpose.CODE_SIGNING, true));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private NotationSigner signer() throws SignatureException {
        return new NotationSigner(keys.key(), keys.chain(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private NotationConfig config(String identity) throws Exception {
        return new NotationConfig(tmp.resolve("notation-" + System.nanoTime())).store("ca", "jnerd", List.of(keys.ca()))
                .policy("*", "strict", List.of("ca:jnerd"), List.of(identity));
    }

    private NotationVerifier verifier(Instant now, String identity) throws Exception {
        return NotationVerifier.fromConfig(config(identity).dir, Clock.fixed(now, ZoneOffset.UTC));
    }

    private NotationVerifier.Outcome verify(byte[] envelope, String identity) throws Exception {
        return verifier(NOW, identity).verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, envelope)));
    }

    /** Changes the protected header and re-signs with the right key, so only the header rule can refuse it. */
    private byte[] withProtectedHeader(byte[] envelope, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode env = (ObjectNode) Json.parse(envelope, "jws");
        ObjectNode header = (ObjectNode) Json.parse(Base64.getUrlDecoder().decode(env.get("protected").asText()), "header");
        change.accept(header);
        String protectedB64 = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(header));
        byte[] input = (protectedB64 + "." + env.get("payload").asText()).getBytes(StandardCharsets.US_ASCII);
        env.put("protected", protectedB64);
        env.put("signature", Base64.getUrlEncoder().withoutPadding().encodeToString(SignatureAlgorithm.ES256.sign(keys.key(), input)));
        return Json.bytes(env);
    }
}
