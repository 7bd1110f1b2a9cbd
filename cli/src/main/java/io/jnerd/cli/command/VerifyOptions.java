package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.registry.ManifestCheck;
import io.jnerd.engine.sign.ImageVerification;
import java.nio.file.Path;
import java.util.Locale;
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

    /** The check the options ask for; the engine refuses a combination that makes no sense. */
    Optional<ManifestCheck> verifier(Terminal terminal) {
        return ImageVerification.check(ImageVerification.Scheme.valueOf(verify.name().toUpperCase(Locale.ROOT)),
                cosignKey, terminal.env(), terminal.err()::println);
    }
}
