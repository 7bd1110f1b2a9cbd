package io.jnerd.engine.registry;

import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;

/**
 * A check of the manifest a pull resolved (its signature, cosign's or notation's), made
 * before anything is written to containerd; a refusal ends the pull with nothing left.
 */
@FunctionalInterface
public interface ManifestCheck {
    /** @return one line for the user saying what was verified */
    String check(ImageRef ref, ManifestBytes root, RegistryClient registry) throws IOException, SignatureException;
}
