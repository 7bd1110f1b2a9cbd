package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a Notary Project envelope says, whichever its format: the signed payload, the
 * signed attributes, the certificate chain and timestamp (unsigned), and the bytes the
 * signature covers. Made only by a format's parser, which has checked the header rules;
 * {@link #verifySignature} then checks the signature itself.
 *
 * @param mediaType            {@code application/jose+json} or {@code application/cose}
 * @param payload              the payload bytes as signed
 * @param signingInput         the bytes the primitive signature is over
 * @param signature            the primitive signature
 * @param algorithm            from the protected header
 * @param signingScheme        {@code notary.x509} or {@code notary.x509.signingAuthority}
 * @param signingTime          the signer's own clock (notary.x509) or the authentic signing time
 * @param expiry               the signer's "best by" time, if set
 * @param chain                leaf first
 * @param timestampToken       an RFC 3161 TimeStampToken over the signature, if any
 */
public record Envelope(String mediaType, byte[] payload, byte[] signingInput, byte[] signature,
                       SignatureAlgorithm algorithm, String signingScheme, Instant signingTime,
                       Optional<Instant> expiry, List<X509Certificate> chain, Optional<byte[]> timestampToken) {

    public static final String JWS = "application/jose+json";
    public static final String COSE = "application/cose";
    public static final String SCHEME_X509 = "notary.x509";
    public static final String SCHEME_SIGNING_AUTHORITY = "notary.x509.signingAuthority";
    public static final String PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";

    static final String SIGNING_SCHEME = "io.cncf.notary.signingScheme";
    static final String SIGNING_TIME = "io.cncf.notary.signingTime";
    static final String AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
    static final String EXPIRY = "io.cncf.notary.expiry";
    static final String TIMESTAMP = "io.cncf.notary.timestampSignature";
    /** The critical headers jnerd understands; anything else listed as critical is refused. */
    static final Set<String> UNDERSTOOD_CRITICAL = Set.of(SIGNING_SCHEME, AUTHENTIC_SIGNING_TIME, EXPIRY);

    public Envelope {
        chain = List.copyOf(chain);
    }

    /** An envelope of either media type. */
    public static Envelope parse(String mediaType, byte[] bytes) throws SignatureException {
        switch (mediaType) {
            case JWS: return JwsEnvelope.parse(bytes);
            case COSE: return CoseEnvelope.parse(bytes);
            default: throw new SignatureException("signature envelope of media type \"" + mediaType
                    + "\": not a Notary Project envelope (" + JWS + " or " + COSE + ")");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Integrity: the algorithm is the one the leaf's key signs with, and the signature
     * verifies with that key over the signing input.
     */
    public void verifySignature() throws SignatureException {
        SignatureAlgorithm expected = SignatureAlgorithm.forKey(leaf().getPublicKey());
        if (expected != algorithm) {
            throw new SignatureException("envelope says " + algorithm.jwsName() + " but the signing certificate's key signs with "
                    + expected.jwsName() + ": refused");
        }
        if (!algorithm.verify(leaf().getPublicKey(), signingInput, signature)) {
            throw new SignatureException("signature does not verify with its signing certificate: the envelope or its payload was altered");
        }
    }

    /** Checks the signed-attribute rules both formats share, once each parser has read them. */
    static void checkSchemeAndTimes(String scheme, Set<String> critical, boolean hasSigningTime,
                                    boolean hasAuthenticTime, boolean hasExpiry) throws SignatureException {
        if (!critical.contains(SIGNING_SCHEME)) {
            throw new SignatureException("envelope does not mark " + SIGNING_SCHEME + " critical");
        }
        for (String c : critical) {
            if (!UNDERSTOOD_CRITICAL.contains(c)) {
                throw new SignatureException("envelope has critical header \"" + c + "\" that jnerd does not understand: refused");
            }
        }
        if (hasExpiry && !critical.contains(EXPIRY)) {
            throw new SignatureException("envelope has " + EXPIRY + " but does not mark it critical");
        }
        switch (scheme) {
            case SCHEME_X509:
                if (!hasSigningTime) {
                    throw new SignatureException("envelope of scheme notary.x509 has no " + SIGNING_TIME);
                }
                if (hasAuthenticTime) {
                    throw new SignatureException("envelope of scheme notary.x509 must not have " + AUTHENTIC_SIGNING_TIME);
                }
                break;
            case SCHEME_SIGNING_AUTHORITY:
                if (!hasAuthenticTime || !critical.contains(AUTHENTIC_SIGNING_TIME)) {
                    throw new SignatureException("envelope of scheme notary.x509.signingAuthority has no critical "
                            + AUTHENTIC_SIGNING_TIME);
                }
                break;
            default:
                throw new SignatureException("envelope has signing scheme \"" + scheme + "\" (notary.x509 or notary.x509.signingAuthority)");
        }
    }
}
