package io.jnerd.engine.sign;

import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Makes the signature artifact for a pushed image manifest, as {@code cosign sign --key} does. */
public final class CosignSigner {

    private final PrivateKey key;

    public CosignSigner(PrivateKey key) {
        this.key = key;
    }

    /**
     * Signs {@code repository@manifestDigest}. Signatures already at the tag are kept (an
     * image may carry signatures from several keys); this one is added to them.
     */
    public SignatureArtifact sign(String repository, String manifestDigest, Optional<SignatureArtifact> existing)
            throws SignatureException {
        byte[] payload = new SimpleSigningPayload(repository, manifestDigest).toBytes();
        String signature = Base64.getEncoder().encodeToString(PayloadSignatures.sign(key, payload));
        List<SignatureArtifact.Layer> layers = new ArrayList<>(existing.map(SignatureArtifact::layers).orElse(List.of()));
        layers.add(new SignatureArtifact.Layer(payload, signature));
        return new SignatureArtifact(layers);
    }
}
