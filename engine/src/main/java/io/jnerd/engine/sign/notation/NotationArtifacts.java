package io.jnerd.engine.sign.notation;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.registry.ManifestBytes;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.sign.SignatureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Notary Project signatures of one repository: pushed as referrers of the signed manifest,
 * and fetched through the referrers API, or the referrers tag where the registry has no such
 * API. Every manifest and blob read is checked against its digest by the registry client.
 */
public final class NotationArtifacts {
    /** As many signatures as notation tries by default before it gives up. */
    static final int MAX_SIGNATURES = 100;

    private final RegistryClient registry;

    public NotationArtifacts(RegistryClient registry) {
        this.registry = registry;
    }

    /**
     * Stores an envelope as a signature of {@code subject}; adds it to the referrers tag
     * when the registry did not index it itself. Returns where it was recorded.
     */
    public String push(Descriptor subject, String envelopeMediaType, byte[] envelope, List<X509Certificate> chain)
            throws IOException {
        Descriptor layer = Descriptor.of(envelopeMediaType, envelope);
        upload(Descriptor.of(SignatureManifest.EMPTY_MEDIA_TYPE, SignatureManifest.EMPTY), SignatureManifest.EMPTY);
        upload(layer, envelope);
        byte[] manifest = SignatureManifest.manifest(subject, layer, chain);
        Descriptor signature = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        if (registry.putReferrer(signature.digest(), MediaTypes.OCI_MANIFEST, manifest)) {
            return registry.where() + "@" + signature.digest() + " (referrers API)";
        }
        String tag = SignatureManifest.referrersTag(subject.digest());
        Optional<byte[]> index = registry.manifestIfPresent(tag).map(ManifestBytes::bytes);
        registry.putManifest(tag, MediaTypes.OCI_INDEX, SignatureManifest.withReferrer(index, signature));
        return registry.where() + "@" + signature.digest() + " (referrers tag " + tag + ")";
    }

    /** The envelopes that claim to sign {@code subject}, at most {@value #MAX_SIGNATURES}. */
    public List<NotationVerifier.Signature> fetch(Descriptor subject) throws IOException, SignatureException {
        Optional<byte[]> index = registry.referrers(subject.digest(), SignatureManifest.ARTIFACT_TYPE);
        if (index.isEmpty()) {
            index = registry.manifestIfPresent(SignatureManifest.referrersTag(subject.digest())).map(ManifestBytes::bytes);
        }
        List<NotationVerifier.Signature> found = new ArrayList<>();
        if (index.isEmpty()) {
            return found;
        }
        for (Descriptor d : SignatureManifest.signatures(index.get())) {
            if (found.size() == MAX_SIGNATURES) {
                break;
            }
            Optional<Descriptor> envelope = SignatureManifest.envelopeOf(registry.manifest(d.digest()).bytes(), subject.digest());
            if (envelope.isPresent()) {
                byte[] bytes = registry.blobBytes(envelope.get().digest(), envelope.get().size());
                found.add(new NotationVerifier.Signature(envelope.get().mediaType(), bytes));
            }
        }
        return found;
    }

    private void upload(Descriptor blob, byte[] bytes) throws IOException {
        if (!registry.hasBlob(blob.digest())) {
            registry.upload(blob, () -> new ByteArrayInputStream(bytes), n -> { });
        }
    }
}
