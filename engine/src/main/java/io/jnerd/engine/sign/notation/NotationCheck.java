package io.jnerd.engine.sign.notation;

import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.registry.ManifestBytes;
import io.jnerd.engine.registry.ManifestCheck;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * {@code --verify=notation}: the pulled manifest must carry a signature the user's notation
 * trust policy accepts. A refusal is one line naming the image; failures the policy only
 * logs go to {@code log}, one line each.
 */
public final class NotationCheck implements ManifestCheck {
    private final NotationVerifier verifier;
    private final Consumer<String> log;

    public NotationCheck(NotationVerifier verifier, Consumer<String> log) {
        this.verifier = verifier;
        this.log = log;
    }

    @Override
    public String check(ImageRef ref, ManifestBytes root, RegistryClient registry) throws IOException, SignatureException {
        String repository = ref.repository();
        NotationVerifier.Outcome o;
        try {
            o = verifier.verify(repository, root.descriptor(), () -> new NotationArtifacts(registry).fetch(root.descriptor()));
        } catch (SignatureException e) {
            throw new SignatureException("notation: " + ref + " refused: " + e.getMessage(), e);
        }
        o.warnings().forEach(w -> log.accept("notation: warning: " + w));
        if (o.skipped()) {
            return "Notation signature of " + root.digest() + " not checked: trust policy \"" + o.policy() + "\" skips " + repository;
        }
        return "Verified notation signature of " + root.digest() + " by \"" + o.signer() + "\" (trust policy \"" + o.policy() + "\")";
    }
}
