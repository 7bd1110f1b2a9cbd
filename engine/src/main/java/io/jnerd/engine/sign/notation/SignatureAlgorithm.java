package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The six signature algorithms the Notary Project allows, each tied to one key type and
 * size: the key of the signing certificate decides the algorithm, and the envelope's
 * {@code alg} must name exactly that one (so an attacker cannot pick a weaker one).
 * RSASSA-PSS uses MGF1 with the same hash and a salt as long as the hash (RFC 7518 §3.5);
 * ECDSA signatures are the fixed-size r||s both JWS and COSE use, not DER.
 */
public enum SignatureAlgorithm {
    PS256("PS256", -37, "SHA-256", 32),
    PS384("PS384", -38, "SHA-384", 48),
    PS512("PS512", -39, "SHA-512", 64),
    ES256("ES256", -7, "SHA-256", 32),
    ES384("ES384", -35, "SHA-384", 48),
    ES512("ES512", -36, "SHA-512", 64);

    private final String jwsName;
    private final int coseId;
    private final String hash;
    private final int hashBytes;

    SignatureAlgorithm(String jwsName, int coseId, String hash, int hashBytes) {
        this.jwsName = jwsName;
        this.coseId = coseId;
        this.hash = hash;
        this.hashBytes = hashBytes;
    }

    public String jwsName() {
        return jwsName;
    }

    public int coseId() {
        return coseId;
    }

    public static SignatureAlgorithm fromJws(String name) throws SignatureException {
        for (SignatureAlgorithm a : values()) {
            if (a.jwsName.equals(name)) {
                return a;
            }
        }
        throw new SignatureException("signature algorithm \"" + name + "\" is not one the Notary Project allows"
                + " (PS256/384/512, ES256/384/512)");
    }

    public static SignatureAlgorithm fromCose(long id) throws SignatureException {
        for (SignatureAlgorithm a : values()) {
            if (a.coseId == id) {
                return a;
            }
        }
        throw new SignatureException("COSE algorithm " + id + " is not one the Notary Project allows"
                + " (PS256/384/512, ES256/384/512)");
    }

    /**
     * The algorithm a key must sign with: RSA 2048/3072/4096 bits with PS256/384/512,
     * EC P-256/384/521 with ES256/384/512. Other keys (shorter RSA, other curves) are refused.
     */
    public static SignatureAlgorithm forKey(PublicKey key) throws SignatureException {
        return forKey(key.getAlgorithm(), bits(key));
    }

    public static SignatureAlgorithm forKey(PrivateKey key) throws SignatureException {
        return forKey(key.getAlgorithm(), bits(key));
    }

    private static SignatureAlgorithm forKey(String type, int bits) throws SignatureException {
        if (type.equals("RSA")) {
            switch (bits) {
                case 2048: return PS256;
                case 3072: return PS384;
                case 4096: return PS512;
                default: throw new SignatureException("RSA key of " + bits + " bits: the Notary Project signs with 2048, 3072 or 4096");
            }
        }
        if (type.equals("EC")) {
            switch (bits) {
                case 256: return ES256;
                case 384: return ES384;
                case 521: return ES512;
                default: throw new SignatureException("EC key on a " + bits + "-bit curve: the Notary Project signs with P-256, P-384 or P-521");
            }
        }
        throw new SignatureException(type + " key: the Notary Project signs with RSA or EC keys only");
    }

    private static int bits(java.security.Key key) throws SignatureException {
        if (key instanceof RSAKey) {
            return ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        }
        throw new SignatureException(key.getAlgorithm() + " key: the Notary Project signs with RSA or EC keys only");
    }

    public byte[] sign(PrivateKey key, byte[] input) throws SignatureException {
        try {
            Signature s = engine();
            s.initSign(key);
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException("cannot sign with " + jwsName + ": " + e.getMessage(), e);
        }
    }

    /** False for a wrong or malformed signature; an exception only when the key cannot be used at all. */
    public boolean verify(PublicKey key, byte[] input, byte[] signature) throws SignatureException {
        Signature s;
        try {
            s = engine();
            s.initVerify(key);
        } catch (GeneralSecurityException e) {
            throw new SignatureException("cannot verify " + jwsName + " with this " + key.getAlgorithm() + " key: "
                    + e.getMessage(), e);
        }
        try {
            s.update(input);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    private Signature engine() throws GeneralSecurityException {
        String digest = hash.replace("-", "");
        if (name().startsWith("PS")) {
            Signature s = Signature.getInstance("RSASSA-PSS");
            s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), hashBytes, 1));
            return s;
        }
        return Signature.getInstance(digest + "withECDSAinP1363Format");
    }
}
