package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The certificate requirements of the Notary Project signature specification, for
 * code signing chains (in the envelope) and timestamping chains (in a countersignature).
 * Only basic constraints, key usage and extended key usage are honoured; other extensions
 * are left alone, as the specification says. Validity nesting is not required.
 */
public final class CertificateRules {
    /** What a chain's leaf is for. */
    public enum Purpose { CODE_SIGNING, TIMESTAMPING }

    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
    /** anyExtendedKeyUsage, serverAuth, clientAuth, emailProtection, timeStamping: never on a code signing leaf. */
    private static final Set<String> NOT_FOR_CODE_SIGNING = Set.of(ANY_EKU, "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2",
            "1.3.6.1.5.5.7.3.4", TIME_STAMPING);
    // KeyUsage bit positions (RFC 5280 §4.2.1.3).
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int[] NOT_ON_A_LEAF = {2, 3, 4, 5, 6, 7, 8};

    private CertificateRules() {}

    /**
     * Each certificate is issued (and signed) by the next, the leaf and the CAs meet the
     * requirements for {@code purpose}; with {@code endsAtRoot}, the last one is self-signed.
     */
    public static void check(List<X509Certificate> chain, Purpose purpose, boolean endsAtRoot) throws SignatureException {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            checkKeyLength(cert);
            boolean last = i == chain.size() - 1;
            X509Certificate issuer = last ? cert : chain.get(i + 1);
            if (!last || endsAtRoot) {
                if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) || !signedBy(cert, issuer.getPublicKey())) {
                    throw new SignatureException(last
                            ? "certificate chain does not end at a root: \"" + Certificates.subject(cert) + "\" is not self-signed"
                            : "certificate chain is broken: \"" + Certificates.subject(cert) + "\" is not issued by \""
                                    + Certificates.subject(issuer) + "\"");
                }
            }
            if (i == 0) {
                checkLeaf(cert, purpose);
            } else {
                checkCa(cert, purpose, i - 1);
            }
        }
    }

    /** Every certificate of the chain is valid at {@code at}; names the first that is not. */
    public static void checkValidAt(List<X509Certificate> chain, Instant at, String when) throws SignatureException {
        for (X509Certificate cert : chain) {
            try {
                cert.checkValidity(Date.from(at));
            } catch (CertificateExpiredException e) {
                throw new SignatureException("certificate \"" + Certificates.subject(cert) + "\" expired at "
                        + cert.getNotAfter().toInstant() + ", before " + when + " " + at);
            } catch (CertificateNotYetValidException e) {
                throw new SignatureException("certificate \"" + Certificates.subject(cert) + "\" is valid only from "
                        + cert.getNotBefore().toInstant() + ", after " + when + " " + at);
            }
        }
    }

    private static void checkLeaf(X509Certificate cert, Purpose purpose) throws SignatureException {
        String name = "signing certificate \"" + Certificates.subject(cert) + "\"";
        if (cert.getBasicConstraints() >= 0) {
            throw new SignatureException(name + " is a CA certificate: a leaf must not be");
        }
        boolean[] usage = keyUsage(cert, name, purpose == Purpose.CODE_SIGNING);
        if (!usage[DIGITAL_SIGNATURE]) {
            throw new SignatureException(name + " lacks the digitalSignature key usage");
        }
        for (int bit : NOT_ON_A_LEAF) {
            if (bit < usage.length && usage[bit]) {
                throw new SignatureException(name + " has key usage bit " + bit + " set, which a signing leaf must not have");
            }
        }
        List<String> eku = extendedKeyUsage(cert, name);
        if (purpose == Purpose.CODE_SIGNING) {
            for (String e : eku) {
                if (NOT_FOR_CODE_SIGNING.contains(e)) {
                    throw new SignatureException(name + " has extended key usage " + e + ", not one for code signing");
                }
            }
        } else if (!eku.equals(List.of(TIME_STAMPING)) || !cert.getCriticalExtensionOIDs().contains(EXTENDED_KEY_USAGE)) {
            throw new SignatureException("timestamping certificate \"" + Certificates.subject(cert)
                    + "\" must have exactly the critical extended key usage timeStamping");
        }
    }

    /** @param below how many CA certificates lie between this one and the leaf */
    private static void checkCa(X509Certificate cert, Purpose purpose, int below) throws SignatureException {
        String name = "CA certificate \"" + Certificates.subject(cert) + "\"";
        int pathLen = cert.getBasicConstraints();
        if (pathLen < 0 || !cert.getCriticalExtensionOIDs().contains(BASIC_CONSTRAINTS)) {
            throw new SignatureException(name + " has no critical basic constraints with cA true");
        }
        if (pathLen < below) {
            throw new SignatureException(name + " allows " + pathLen + " CAs below it, the chain has " + below);
        }
        if (!keyUsage(cert, name, purpose == Purpose.CODE_SIGNING)[KEY_CERT_SIGN]) {
            throw new SignatureException(name + " lacks the keyCertSign key usage");
        }
    }

    // Key usage must be present; critical for code signing (only "should" for timestamping).
    private static boolean[] keyUsage(X509Certificate cert, String name, boolean mustBeCritical) throws SignatureException {
        boolean[] usage = cert.getKeyUsage();
        if (usage == null) {
            throw new SignatureException(name + " has no key usage extension");
        }
        if (mustBeCritical && !cert.getCriticalExtensionOIDs().contains(KEY_USAGE)) {
            throw new SignatureException(name + " does not mark its key usage critical");
        }
        return usage;
    }

    private static List<String> extendedKeyUsage(X509Certificate cert, String name) throws SignatureException {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            return eku == null ? List.of() : eku;
        } catch (CertificateParsingException e) {
            throw new SignatureException(name + " has a malformed extended key usage");
        }
    }

    private static void checkKeyLength(X509Certificate cert) throws SignatureException {
        PublicKey key = cert.getPublicKey();
        if (key instanceof RSAKey && ((RSAKey) key).getModulus().bitLength() < 2048) {
            throw new SignatureException("certificate \"" + Certificates.subject(cert) + "\" has an RSA key shorter than 2048 bits");
        }
        if (key instanceof ECKey && ((ECKey) key).getParams().getCurve().getField().getFieldSize() < 256) {
            throw new SignatureException("certificate \"" + Certificates.subject(cert) + "\" has an EC key shorter than 256 bits");
        }
    }

    static boolean signedBy(X509Certificate cert, PublicKey issuerKey) {
        try {
            cert.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
