package io.jnerd.engine.sign;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;

/**
 * Signs and checks payload bytes the way cosign does for each key type: ECDSA P-256 with
 * SHA-256 (ASN.1 DER signature), RSA PKCS#1 v1.5 with SHA-256, and Ed25519 over the
 * payload itself.
 */
public final class PayloadSignatures {

    private PayloadSignatures() {}

    public static byte[] sign(PrivateKey key, byte[] payload) throws SignatureException {
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initSign(key);
            s.update(payload);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException("cannot sign with this " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /**
     * True when {@code signature} is {@code key}'s signature over {@code payload}. A
     * signature that is not even well-formed (not DER, wrong length) is false as well.
     */
    public static boolean verify(PublicKey key, byte[] payload, byte[] signature) throws SignatureException {
        Signature s;
        try {
            s = Signature.getInstance(algorithm(key));
            s.initVerify(key);
        } catch (GeneralSecurityException e) {
            throw new SignatureException("cannot verify with this " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
        try {
            s.update(payload);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    static String algorithm(Key key) throws SignatureException {
        switch (key.getAlgorithm()) {
            case "EC":
                int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
                if (bits != 256) {
                    throw new SignatureException("EC key on a " + bits + "-bit curve: cosign keys are P-256");
                }
                return "SHA256withECDSA";
            case "RSA":
                return "SHA256withRSA";
            case "Ed25519":
            case "EdDSA":
                return "Ed25519";
            default:
                throw new SignatureException("unsupported key algorithm " + key.getAlgorithm()
                        + " (EC P-256, RSA or Ed25519)");
        }
    }
}
