package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.sign.CosignVerifier;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --verify} and {@code --cosign-key}, shared by pull and run. */
final class VerifyOptions {
    enum Verify { none, cosign }

    @Option(names = "--verify", paramLabel = "none|cosign", description = "verify the image's signature first (default: none)")
    Verify verify = Verify.none;

    @Option(names = "--cosign-key", paramLabel = "PUB", description = "public key (PEM) for --verify=cosign")
    Path cosignKey;

    boolean enabled() {
        return verify != Verify.none;
    }

    /** The verifier the options ask for; a key without --verify, or --verify without a key, is an error. */
    Optional<CosignVerifier> verifier() {
        if (verify == Verify.none) {
            if (cosignKey != null) {
                throw new JnerdException("--cosign-key needs --verify=cosign");
            }
            return Optional.empty();
        }
        if (cosignKey == null) {
            throw new JnerdException("--verify=cosign needs --cosign-key=PUB (keyless verification is not supported)");
        }
        try {
            return Optional.of(new CosignVerifier(KeyFiles.readPublic(cosignKey), cosignKey.toString()));
        } catch (SignatureException e) {
            throw new JnerdException(e.getMessage());
        }
    }
}
