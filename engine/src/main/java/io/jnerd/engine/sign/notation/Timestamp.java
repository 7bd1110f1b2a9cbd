package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.Accuracy;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * An RFC 3161 timestamp countersignature over an envelope's signature, verified as the
 * trust policy specification says: the token's imprint is the hash of the signature bytes,
 * the TSA's signature verifies with a certificate the token names by signing-certificate-v2,
 * that certificate leads to a trusted {@code tsa} root and meets the timestamping rules,
 * all valid at the stamped time. The result is the interval the stamped time may lie in
 * (genTime ± accuracy, RFC 3161 §2.4.2).
 */
public final class Timestamp {
    /** The baseline policy of RFC 3628 §5.2, which promises one second when no accuracy is given. */
    private static final ASN1ObjectIdentifier BASELINE_POLICY = new ASN1ObjectIdentifier("0.4.0.2023.1.1");
    private static final Map<ASN1ObjectIdentifier, String> HASHES = Map.of(
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");
    private static final int MAX_CHAIN = 8;

    /** The stamped time lies somewhere in [earliest, latest]. */
    public record Range(Instant earliest, Instant latest, String tsa) {}

    private Timestamp() {}

    public static Range verify(byte[] token, byte[] signature, List<X509Certificate> tsaRoots) throws SignatureException {
        TimeStampToken tst;
        try {
            tst = new TimeStampToken(new CMSSignedData(token));
        } catch (CMSException | TSPException | IOException | IllegalArgumentException e) {
            throw new SignatureException("timestamp countersignature is not an RFC 3161 token: " + e.getMessage());
        }
        TimeStampTokenInfo info = tst.getTimeStampInfo();
        String hash = HASHES.get(info.getMessageImprintAlgOID());
        if (hash == null) {
            throw new SignatureException("timestamp imprint uses hash " + info.getMessageImprintAlgOID() + " (SHA-256/384/512)");
        }
        if (!MessageDigest.isEqual(digest(hash, signature), info.getMessageImprintDigest())) {
            throw new SignatureException("timestamp countersignature is over another signature: the envelope was altered");
        }
        X509Certificate signer = signerCertificate(tst);
        if (tst.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) == null) {
            throw new SignatureException("timestamp countersignature has no signing-certificate-v2 attribute");
        }
        try {
            // Checks the TSA's signature, that the signing-certificate attribute names this
            // certificate, its critical timeStamping EKU, and its validity at genTime.
            tst.validate(new JcaSimpleSignerInfoVerifierBuilder().build(signer));
        } catch (TSPException | OperatorCreationException e) {
            throw new SignatureException("timestamp countersignature does not verify: " + e.getMessage());
        }
        Instant stamped = info.getGenTime().toInstant();
        List<X509Certificate> chain = chainToRoot(signer, tokenCertificates(tst), tsaRoots);
        CertificateRules.check(chain, CertificateRules.Purpose.TIMESTAMPING, false);
        CertificateRules.checkValidAt(chain, stamped, "the timestamp");
        Duration accuracy = accuracy(info);
        return new Range(stamped.minus(accuracy), stamped.plus(accuracy), Certificates.subject(signer));
    }

    private static X509Certificate signerCertificate(TimeStampToken tst) throws SignatureException {
        @SuppressWarnings("unchecked")
        var matches = tst.getCertificates().getMatches(tst.getSID());
        if (matches.isEmpty()) {
            throw new SignatureException("timestamp countersignature does not carry its TSA's certificate");
        }
        return convert((X509CertificateHolder) matches.iterator().next());
    }

    private static List<X509Certificate> tokenCertificates(TimeStampToken tst) throws SignatureException {
        List<X509Certificate> certs = new ArrayList<>();
        for (Object holder : tst.getCertificates().getMatches(null)) {
            certs.add(convert((X509CertificateHolder) holder));
        }
        return certs;
    }

    /**
     * From the TSA's certificate up, issuer by issuer (among the token's certificates and
     * the trusted roots), until a trusted certificate is reached.
     */
    private static List<X509Certificate> chainToRoot(X509Certificate signer, List<X509Certificate> carried,
                                                     List<X509Certificate> roots) throws SignatureException {
        List<X509Certificate> chain = new ArrayList<>(List.of(signer));
        List<X509Certificate> candidates = new ArrayList<>(roots);
        candidates.addAll(carried);
        X509Certificate current = signer;
        while (!isOneOf(current, roots)) {
            X509Certificate issuer = null;
            for (X509Certificate c : candidates) {
                if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && CertificateRules.signedBy(current, c.getPublicKey())) {
                    issuer = isOneOf(c, roots) || issuer == null ? c : issuer;
                }
            }
            if (issuer == null || issuer.equals(current) || chain.size() > MAX_CHAIN) {
                throw new SignatureException("timestamp's TSA \"" + Certificates.subject(signer)
                        + "\" does not lead to a certificate in the policy's tsa trust stores");
            }
            chain.add(issuer);
            current = issuer;
        }
        return chain;
    }

    static boolean isOneOf(X509Certificate cert, List<X509Certificate> set) {
        for (X509Certificate c : set) {
            try {
                if (Arrays.equals(c.getEncoded(), cert.getEncoded())) {
                    return true;
                }
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException("a parsed certificate always encodes", e);
            }
        }
        return false;
    }

    private static Duration accuracy(TimeStampTokenInfo info) {
        Accuracy a = info.getGenTimeAccuracy() == null ? null : info.toASN1Structure().getAccuracy();
        if (a == null) {
            return BASELINE_POLICY.equals(info.getPolicy()) ? Duration.ofSeconds(1) : Duration.ZERO;
        }
        long seconds = a.getSeconds() == null ? 0 : a.getSeconds().longValueExact();
        long millis = a.getMillis() == null ? 0 : a.getMillis().longValueExact();
        long micros = a.getMicros() == null ? 0 : a.getMicros().longValueExact();
        return Duration.ofSeconds(seconds).plusMillis(millis).plusNanos(micros * 1000);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws SignatureException {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new SignatureException("timestamp token carries a malformed certificate: " + e.getMessage());
        }
    }
}
