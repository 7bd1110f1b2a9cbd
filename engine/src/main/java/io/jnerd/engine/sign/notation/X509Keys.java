package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A signing key with a two-certificate chain for tests and small set-ups ({@code jnerd key
 * generate --x509}): a self-signed CA (critical basic constraints cA, critical keyCertSign)
 * and a leaf it issued (critical digitalSignature, extended key usage codeSigning), both
 * EC P-256. The CA goes into notation's trust store; the leaf and its chain sign.
 */
public final class X509Keys {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    /** A leaf key, and its chain: leaf first, then the CA. */
    public record Generated(PrivateKey key, X509Certificate leaf, X509Certificate ca) {
        public List<X509Certificate> chain() {
            return List.of(leaf, ca);
        }
    }

    /** What a certificate may do: a CA, or a leaf with these usages (for tests that need wrong ones too). */
    public record Usage(boolean ca, int keyUsage, List<KeyPurposeId> extendedKeyUsage) {
        public static final Usage CA = new Usage(true, KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of());
        public static final Usage CODE_SIGNING = new Usage(false, KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_codeSigning));
    }

    private X509Keys() {}

    /** @param subject the leaf's subject, e.g. {@code CN=builder,O=example,ST=WA,C=US}; the CA's adds " CA" to the CN */
    public static Generated generate(String subject, Instant notBefore, Instant notAfter) throws SignatureException {
        X500Principal leafName = new X500Principal(subject);
        X500Principal caName = new X500Principal(subject.replaceFirst("CN=([^,]*)", "CN=$1 CA"));
        KeyPair caKey = KeyFiles.generateP256();
        KeyPair leafKey = KeyFiles.generateP256();
        X509Certificate ca = certificate(caKey, caName, caKey.getPrivate(), caName, notBefore, notAfter, Usage.CA);
        X509Certificate leaf = certificate(leafKey, leafName, caKey.getPrivate(), caName, notBefore, notAfter, Usage.CODE_SIGNING);
        return new Generated(leafKey.getPrivate(), leaf, ca);
    }

    /** A certificate for {@code subjectKey}, signed by {@code issuerKey} (the same pair for a self-signed one). */
    public static X509Certificate certificate(KeyPair subjectKey, X500Principal subject, PrivateKey issuerKey,
                                              X500Principal issuer, Instant notBefore, Instant notAfter, Usage usage)
            throws SignatureException {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, new SecureRandom()),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey.getPublic());
            b.addExtension(Extension.basicConstraints, usage.ca(), new BasicConstraints(usage.ca()));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage.keyUsage()));
            if (!usage.extendedKeyUsage().isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(usage.extendedKeyUsage().toArray(new KeyPurposeId[0])));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey.getPublic()));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (CertIOException | OperatorCreationException | CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new SignatureException("cannot make a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code PREFIX.key} (the leaf's key, PKCS#8, mode 0600, unencrypted as notation's
     * own keys are), {@code PREFIX.crt} (leaf and CA: what signs) and {@code PREFIX.ca.crt}
     * (the CA: what a trust store holds). Refuses to overwrite any of them.
     */
    public static List<Path> write(Generated g, String prefix) throws IOException {
        Path key = Path.of(prefix + ".key");
        Path chain = Path.of(prefix + ".crt");
        Path ca = Path.of(prefix + ".ca.crt");
        for (Path p : List.of(key, chain, ca)) {
            if (Files.exists(p)) {
                throw new IOException(p + " already exists: not overwriting a key or certificate");
            }
        }
        Files.createFile(key, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, KeyFiles.privatePem(g.key(), null), StandardCharsets.US_ASCII);
        Files.writeString(chain, Certificates.pem(g.leaf()) + Certificates.pem(g.ca()), StandardCharsets.US_ASCII);
        Files.writeString(ca, Certificates.pem(g.ca()), StandardCharsets.US_ASCII);
        return List.of(key, chain, ca);
    }
}
