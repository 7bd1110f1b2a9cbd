package io.jnerd.engine.sign;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Decides whether an image manifest is signed by a key, cosign's key-based way: some
 * signature layer must verify with the key over its payload bytes, and that payload must
 * name exactly the manifest digest being pulled (so a valid signature copied onto another
 * image is refused). Each refusal is one line that says which case it is.
 */
public final class CosignVerifier {

    private final PublicKey key;
    private final String keyName;

    public CosignVerifier(PublicKey key, String keyName) {
        this.key = key;
        this.keyName = keyName;
    }

    /**
     * @param image          what the user asked for, for messages
     * @param manifestDigest the digest of the manifest that would be pulled
     * @param artifact       the signature artifact at its cosign tag, if there is one
     * @return the payload that vouches for the digest
     */
    public SimpleSigningPayload verify(String image, String manifestDigest, Optional<SignatureArtifact> artifact)
            throws SignatureException {
        if (artifact.isEmpty() || artifact.get().layers().isEmpty()) {
            throw new SignatureException("no cosign signature for " + image + " (" + manifestDigest
                    + "): nothing at tag " + SignatureArtifact.tagFor(manifestDigest));
        }
        String otherDigest = null;
        boolean malformed = false;
        for (SignatureArtifact.Layer layer : artifact.get().layers()) {
            byte[] signature;
            try {
                signature = SignatureArtifact.decodeSignature(layer.signatureBase64());
            } catch (SignatureException e) {
                malformed = true;
                continue;
            }
            if (!PayloadSignatures.verify(key, layer.payload(), signature)) {
                continue;
            }
            SimpleSigningPayload payload = SimpleSigningPayload.parse(layer.payload());
            if (payload.manifestDigest().equals(manifestDigest)) {
                return payload;
            }
            otherDigest = payload.manifestDigest();
        }
        if (otherDigest != null) {
            throw new SignatureException("signature of " + image + " is for another image: its payload names "
                    + otherDigest + ", the image is " + manifestDigest);
        }
        if (malformed) {
            throw new SignatureException("signature of " + image + " is not valid base64: it was altered");
        }
        throw new SignatureException("signature of " + image + " does not verify with " + keyName
                + ": signed with another key, or its payload or signature was altered");
    }
}
