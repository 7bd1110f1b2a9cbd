package io.jnerd.engine.sign;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Key pairs and the PEM files that hold them. Writes what cosign and openssl read
 * (SubjectPublicKeyInfo "PUBLIC KEY"; PKCS#8 "PRIVATE KEY", or "ENCRYPTED PRIVATE KEY"
 * with PBES2 / AES-256-CBC when a password is given) and reads every form openssl writes:
 * SEC1 "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", PKCS#8, encrypted PKCS#8, legacy
 * "Proc-Type: 4,ENCRYPTED" keys, and a certificate's public key.
 */
public final class KeyFiles {

    // Used directly, not registered: PBES2 with AES/CBC/PKCS7Padding is BouncyCastle's
    // spelling, which the JDK's providers do not know.
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

    private KeyFiles() {}

    /** A new ECDSA P-256 key pair (cosign's default algorithm). */
    public static KeyPair generateP256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no EC P-256", e);
        }
    }

    /**
     * Writes {@code prefix.key} (mode 0600; encrypted when {@code password} is non-empty)
     * and {@code prefix.pub}; refuses to overwrite either.
     */
    public static void write(KeyPair pair, Path privateFile, Path publicFile, char[] password) throws IOException {
        for (Path p : new Path[] {privateFile, publicFile}) {
            if (Files.exists(p)) {
                throw new IOException(p + " already exists: not overwriting a key");
            }
        }
        Files.writeString(publicFile, pem(pair.getPublic()), StandardCharsets.US_ASCII);
        Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, privatePem(pair.getPrivate(), password), StandardCharsets.US_ASCII);
    }

    public static String pem(PublicKey key) {
        return toPem(key);
    }

    public static String privatePem(PrivateKey key, char[] password) throws IOException {
        if (password == null || password.length == 0) {
            return toPem(new JcaPKCS8Generator(key, null).generate());
        }
        try {
            var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setPassword(password).build();
            return toPem(new JcaPKCS8Generator(key, encryptor).generate());
        } catch (OperatorCreationException e) {
            throw new IOException("cannot encrypt the private key: " + e.getMessage(), e);
        }
    }

    /** A public key from a PEM public key, or the public key of a PEM certificate. */
    public static PublicKey readPublic(Path file) throws SignatureException {
        Object o = parse(file);
        try {
            if (o instanceof SubjectPublicKeyInfo) {
                return CONVERTER.getPublicKey((SubjectPublicKeyInfo) o);
            }
            if (o instanceof X509CertificateHolder) {
                return CONVERTER.getPublicKey(((X509CertificateHolder) o).getSubjectPublicKeyInfo());
            }
            if (o instanceof PEMKeyPair) {
                return CONVERTER.getPublicKey(((PEMKeyPair) o).getPublicKeyInfo());
            }
        } catch (PEMException e) {
            throw new SignatureException("key file " + file + ": unsupported public key: " + e.getMessage(), e);
        }
        throw new SignatureException("key file " + file + ": not a public key (found " + describe(o) + ")");
    }

    /** A private key in any PEM form; {@code password} is asked for only when the file is encrypted. */
    public static PrivateKey readPrivate(Path file, java.util.function.Supplier<char[]> password) throws SignatureException {
        Object o = parse(file);
        try {
            if (o instanceof PEMKeyPair) {
                return CONVERTER.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo) {
                return CONVERTER.getPrivateKey((PrivateKeyInfo) o);
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                var decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password.get());
                return CONVERTER.getPrivateKey(((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(decryptor));
            }
            if (o instanceof PEMEncryptedKeyPair) {
                var decryptor = new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password.get());
                return CONVERTER.getPrivateKey(((PEMEncryptedKeyPair) o).decryptKeyPair(decryptor).getPrivateKeyInfo());
            }
        } catch (PKCSException | OperatorCreationException | IOException e) {
            throw new SignatureException("key file " + file + ": cannot decrypt the private key (wrong password?)", e);
        }
        throw new SignatureException("key file " + file + ": not a private key (found " + describe(o) + ")");
    }

    private static Object parse(Path file) throws SignatureException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new SignatureException("key file " + file + ": no PEM block in it");
            }
            return o;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SignatureException("key file " + file + ": no such file");
        } catch (IOException e) {
            throw new SignatureException("key file " + file + ": not PEM: " + e.getMessage(), e);
        }
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }

    private static String toPem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to a string", e);
        }
        return out.toString();
    }
}
