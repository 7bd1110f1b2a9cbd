package io.jnerd.engine.sign;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.registry.CosignArtifacts;
import io.jnerd.engine.registry.ManifestCheck;
import io.jnerd.engine.sign.notation.NotationCheck;
import io.jnerd.engine.sign.notation.NotationVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a pull verifies before anything reaches containerd, decided once for every front
 * door: none, a cosign key, or the user's notation trust store and trust policy. A key
 * without cosign, cosign without a key and a notation trust policy with a mistake in it are
 * each refused here, in one line, before the registry is asked anything.
 */
public final class ImageVerification {
    public enum Scheme { NONE, COSIGN, NOTATION }

    private ImageVerification() {
    }

    /**
     * @param cosignKey the cosign public key file, or null
     * @param env       the user's environment, where notation's configuration directory is found
     * @param warnings  lines a notation trust policy only logs (it verifies but does not enforce)
     */
    public static Optional<ManifestCheck> check(Scheme scheme, Path cosignKey, Map<String, String> env,
                                                Consumer<String> warnings) {
        if (cosignKey != null && scheme != Scheme.COSIGN) {
            throw new JnerdException("--cosign-key needs --verify=cosign");
        }
        try {
            return switch (scheme) {
                case NONE -> Optional.empty();
                case COSIGN -> Optional.of(cosign(cosignKey));
                case NOTATION -> Optional.of(new NotationCheck(
                        NotationVerifier.fromConfig(NotationVerifier.configDir(env), Clock.systemUTC()), warnings));
            };
        } catch (SignatureException e) {
            throw new JnerdException(e.getMessage());
        }
    }

    private static ManifestCheck cosign(Path key) throws SignatureException {
        if (key == null) {
            throw new JnerdException("--verify=cosign needs --cosign-key=PUB (keyless verification is not supported)");
        }
        CosignVerifier cosign = new CosignVerifier(KeyFiles.readPublic(key), key.toString());
        return (ref, root, registry) -> {
            cosign.verify(ref.toString(), root.digest(), new CosignArtifacts(registry).fetch(root.digest()));
            return "Verified cosign signature of " + root.digest();
        };
    }
}
