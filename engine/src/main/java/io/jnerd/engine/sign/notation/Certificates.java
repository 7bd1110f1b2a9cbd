package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** X.509 certificates from DER bytes and from PEM or DER files (one or many per file), and their names. */
public final class Certificates {

    private Certificates() {}

    public static X509Certificate fromDer(byte[] der, String where) throws SignatureException {
        try {
            return (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new SignatureException(where + ": not an X.509 certificate: " + firstLine(e));
        }
    }

    /** Every certificate in a file, PEM (any number of blocks) or DER; an empty file is an error. */
    public static List<X509Certificate> read(Path file) throws SignatureException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SignatureException("cannot read certificate file " + file + ": " + e.getMessage(), e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            factory().generateCertificates(new ByteArrayInputStream(bytes))
                    .forEach(c -> certs.add((X509Certificate) c));
        } catch (CertificateException e) {
            throw new SignatureException("certificate file " + file + ": not PEM or DER certificates: " + firstLine(e));
        }
        if (certs.isEmpty()) {
            throw new SignatureException("certificate file " + file + " holds no certificate");
        }
        return certs;
    }

    public static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate always encodes", e);
        }
    }

    /** SHA-256 over the DER, upper-case hex, as notation's thumbprint annotation lists them. */
    public static String thumbprint(X509Certificate cert) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 over a parsed certificate", e);
        }
    }

    /** The subject as people read it: "CN=alpine,O=Notary,…". */
    public static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
