package io.jnerd.engine.sign.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.NotationVerifier.Signature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
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
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authentic-timestamp step on signatures jnerd makes, stamped by a TSA this test runs
 * with BouncyCastle's RFC 3161 generator: a leaf that has expired since is accepted while
 * the stamp lies inside its validity and refused when the stamp lies after it.
 */
class TimestampWindowTest {
    static final Instant SIGNED = Instant.parse("2026-01-01T12:00:00Z");
    static final Descriptor TARGET = Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
    static final String REPO = "127.0.0.1:5000/stamped/app";

    @TempDir
    Path tmp;
    final X509Keys.Generated keys;
    final KeyPair tsaRootKey = KeyFiles.generateP256();
    final KeyPair tsaKey = KeyFiles.generateP256();
    final X509Certificate tsaRoot;
    final X509Certificate tsa;

    TimestampWindowTest() throws Exception {
        keys = X509Keys.generate("CN=builder,O=jnerd,ST=WA,C=US", SIGNED.minus(Duration.ofDays(1)), SIGNED.plus(Duration.ofDays(1)));
        X500Principal rootName = new X500Principal("CN=test tsa root,O=jnerd,ST=WA,C=US");
        tsaRoot = X509Keys.certificate(tsaRootKey, rootName, tsaRootKey.getPrivate(), rootName,
                SIGNED.minus(Duration.ofDays(3650)), SIGNED.plus(Duration.ofDays(3650)), X509Keys.Usage.CA);
        // RFC 3161 §2.3: the TSA's certificate has exactly the critical extended key usage timeStamping.
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(tsaRoot, BigInteger.TWO,
                Date.from(SIGNED.minus(Duration.ofDays(3650))), Date.from(SIGNED.plus(Duration.ofDays(3650))),
                new X500Principal("CN=test tsa,O=jnerd,ST=WA,C=US"), tsaKey.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        tsa = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(tsaRootKey.getPrivate())));
    }

    @Test
    void anExpiredLeafStampedWhileValidIsAccepted() throws Exception {
        NotationVerifier.Outcome o = verify(stamped(SIGNED.plusSeconds(5)), true);
        assertEquals(List.of(), o.warnings());
        SignatureException e = assertThrows(SignatureException.class, () -> verify(stamped(SIGNED.plusSeconds(5)), false));
        assertTrue(e.getMessage().contains("expired at"), e.getMessage());
    }

    @Test
    void aStampAfterTheLeafExpiredIsRefused() throws Exception {
        Instant late = SIGNED.plus(Duration.ofDays(2));
        SignatureException e = assertThrows(SignatureException.class, () -> verify(stamped(late), true));
        assertEquals("timestamp " + late + ".." + late + " by \"CN=test tsa,O=jnerd,ST=WA,C=US\" is outside the validity of"
                + " certificate \"CN=builder,O=jnerd,ST=WA,C=US\" (" + SIGNED.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " to " + SIGNED.plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")", e.getMessage());
    }

    @Test
    void aStampByAnotherTsaIsRefused() throws Exception {
        KeyPair otherKey = KeyFiles.generateP256();
        X500Principal name = new X500Principal("CN=other root,O=jnerd,ST=WA,C=US");
        X509Certificate otherRoot = X509Keys.certificate(otherKey, name, otherKey.getPrivate(), name,
                SIGNED.minus(Duration.ofDays(1)), SIGNED.plus(Duration.ofDays(3650)), X509Keys.Usage.CA);
        NotationConfig c = config(true).store("tsa", "other", List.of(otherRoot));
        c.policy("*", "strict", List.of("ca:jnerd", "tsa:other"), List.of("*"));
        byte[] envelope = stamped(SIGNED.plusSeconds(5));
        SignatureException e = assertThrows(SignatureException.class, () -> NotationVerifier.fromConfig(c.dir, clockAfterExpiry())
                .verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, envelope))));
        assertTrue(e.getMessage().contains("does not lead to a certificate in the policy's tsa trust stores"), e.getMessage());
    }

    /** A jnerd envelope with an RFC 3161 token over its signature, stamped at {@code genTime}. */
    private byte[] stamped(Instant genTime) throws Exception {
        byte[] envelope = JwsEnvelope.sign(TargetPayload.of(TARGET), keys.key(), keys.chain(), SIGNED, Optional.empty());
        ObjectNode env = (ObjectNode) Json.parse(envelope, "jws");
        byte[] signature = Base64.getUrlDecoder().decode(env.get("signature").asText());
        TimeStampTokenGenerator gen = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsaKey.getPrivate(), tsa),
                new JcaDigestCalculatorProviderBuilder().build().get(
                        new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
                new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
        gen.addCertificates(new JcaCertStore(List.of(tsa)));
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(signature);
        TimeStampRequestGenerator request = new TimeStampRequestGenerator();
        request.setCertReq(true); // as notation asks: the token carries the TSA's certificate
        byte[] token = gen.generate(request.generate(TSPAlgorithms.SHA256, imprint), BigInteger.ONE, Date.from(genTime)).getEncoded();
        ((ObjectNode) env.get("header")).put(Envelope.TIMESTAMP, Base64.getEncoder().encodeToString(token));
        return Json.bytes(env);
    }

    private NotationConfig config(boolean tsaStore) throws Exception {
        NotationConfig c = new NotationConfig(tmp.resolve("notation-" + System.nanoTime())).store("ca", "jnerd", List.of(keys.ca()));
        if (tsaStore) {
            c.store("tsa", "test", List.of(tsaRoot));
        }
        return c.policy("*", "strict", tsaStore ? List.of("ca:jnerd", "tsa:test") : List.of("ca:jnerd"), List.of("*"));
    }

    private NotationVerifier.Outcome verify(byte[] envelope, boolean tsaStore) throws Exception {
        return NotationVerifier.fromConfig(config(tsaStore).dir, clockAfterExpiry())
                .verify(REPO, TARGET, () -> List.of(new Signature(Envelope.JWS, envelope)));
    }

    private static Clock clockAfterExpiry() {
        return Clock.fixed(SIGNED.plus(Duration.ofDays(30)), ZoneOffset.UTC);
    }
}
