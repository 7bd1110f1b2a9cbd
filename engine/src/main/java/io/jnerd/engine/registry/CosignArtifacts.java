package io.jnerd.engine.registry;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.sign.CosignSigner;
import io.jnerd.engine.sign.SignatureArtifact;
import io.jnerd.engine.sign.SignatureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** Cosign signature artifacts in a repository, at tag {@code sha256-<hex>.sig}: fetched, and pushed. */
public final class CosignArtifacts {
    private final RegistryClient registry;

    public CosignArtifacts(RegistryClient registry) {
        this.registry = registry;
    }

    /** The signatures of {@code manifestDigest}, if the tag exists; every blob is checked against its digest. */
    public Optional<SignatureArtifact> fetch(String manifestDigest) throws IOException, SignatureException {
        Optional<ManifestBytes> m = registry.manifestIfPresent(SignatureArtifact.tagFor(manifestDigest));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SignatureArtifact.parse(m.get().bytes(), registry::blobBytes));
    }

    /**
     * Signs {@code manifestDigest} as cosign does, keeping the signatures already there, and
     * pushes the artifact; returns its tag.
     */
    public String sign(CosignSigner signer, String repository, String manifestDigest)
            throws IOException, SignatureException {
        return push(manifestDigest, signer.sign(repository, manifestDigest, fetch(manifestDigest)));
    }

    /** Uploads the artifact's blobs (those missing) and tags its manifest for {@code manifestDigest}. */
    public String push(String manifestDigest, SignatureArtifact artifact) throws IOException {
        for (Map.Entry<String, byte[]> blob : artifact.blobs().entrySet()) {
            if (!registry.hasBlob(blob.getKey())) {
                byte[] bytes = blob.getValue();
                registry.upload(new Descriptor("", blob.getKey(), bytes.length, null, null),
                        () -> new ByteArrayInputStream(bytes), n -> { });
            }
        }
        String tag = SignatureArtifact.tagFor(manifestDigest);
        registry.putManifest(tag, SignatureArtifact.MANIFEST_MEDIA_TYPE, artifact.manifest());
        return tag;
    }
}
