package io.jnerd.cli.command;

import io.jnerd.cli.JnerdException;
import io.jnerd.cli.Terminal;
import io.jnerd.cli.registry.CosignArtifacts;
import io.jnerd.cli.registry.ManifestCheck;
import io.jnerd.cli.sign.CosignVerifier;
import io.jnerd.cli.sign.KeyFiles;
import io.jnerd.cli.sign.SignatureException;
import io.jnerd.cli.sign.notation.NotationCheck;
import io.jnerd.cli.sign.notation.NotationVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --verify} and {@code --cosign-key}, shared by pull and run. */
final class VerifyOptions {
    enum Verify { none, cosign, notation }

    @Option(names = "--verify", paramLabel = "none|cosign|notation",
            description = "verify the image's signature first (default: none); notation uses notation's trust store and trust policy")
    Verify verify = Verify.none;

    @Option(names = "--cosign-key", paramLabel = "PUB", description = "public key (PEM) for --verify=cosign")
    Path cosignKey;

    boolean enabled() {
        return verify != Verify.none;
    }

    /**
     * The check the options ask for; a key without --verify=cosign, or --verify=cosign
     * without a key, is an error, and so is a notation trust policy with a mistake in it.
     */
    Optional<ManifestCheck> verifier(Terminal terminal) {
        if (cosignKey != null && verify != Verify.cosign) {
            throw new JnerdException("--cosign-key needs --verify=cosign");
        }
        try {
            switch (verify) {
                case cosign:
                    if (cosignKey == null) {
                        throw new JnerdException("--verify=cosign needs --cosign-key=PUB (keyless verification is not supported)");
                    }
                    CosignVerifier cosign = new CosignVerifier(KeyFiles.readPublic(cosignKey), cosignKey.toString());
                    return Optional.of((ref, root, registry) -> {
                        cosign.verify(ref.toString(), root.digest(), new CosignArtifacts(registry).fetch(root.digest()));
                        return "Verified cosign signature of " + root.digest();
                    });
                case notation:
                    NotationVerifier notation = NotationVerifier.fromConfig(NotationVerifier.configDir(terminal.env()), Clock.systemUTC());
                    return Optional.of(new NotationCheck(notation, terminal.err()::println));
                default:
                    return Optional.empty();
            }
        } catch (SignatureException e) {
            throw new JnerdException(e.getMessage());
        }
    }
}
