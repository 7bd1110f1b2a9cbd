package io.jnerd.cli.command;

import io.jnerd.cli.TransferProgress;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.registry.CosignArtifacts;
import io.jnerd.engine.registry.ImagePusher;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.sign.CosignSigner;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.NotationArtifacts;
import io.jnerd.engine.sign.notation.NotationSigner;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.images.Image;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd push}: an image from containerd to its registry, optionally signed the way cosign or notation signs. */
@Command(name = "push", description = "Push an image to a registry")
public final class PushCommand extends ContainerdCommand {
    /** How a pushed image is signed. */
    enum Sign { none, cosign, notation }

    @Mixin
    RegistryOptions registry;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Option(names = {"-q", "--quiet"}, description = "print only the pushed digest")
    boolean quiet;

    @Option(names = "--sign", paramLabel = "none|cosign|notation", description = "sign the pushed image (default: none)")
    Sign sign = Sign.none;

    @Option(names = "--cosign-key", paramLabel = "KEY",
            description = "private key (PEM) for --sign=cosign; password from env COSIGN_PASSWORD or the terminal")
    Path cosignKey;

    @Option(names = "--notation-key", paramLabel = "KEY", description = "private key (PEM) for --sign=notation")
    Path notationKey;

    @Option(names = "--notation-cert", paramLabel = "CERT",
            description = "certificate chain (PEM: the key's certificate first, then its CAs up to the root) for --sign=notation")
    Path notationCert;

    @Override
    int call(Containerd containerd) throws Exception {
        String name = ImageService.normalize(image);
        Image stored = new ImageService(containerd).get(name).orElseThrow(() ->
                new JnerdException("image not found: " + image + " (see 'jnerd images')"));
        ImageRef ref = ImageRef.parse(name);
        Optional<PrivateKey> key = signingKey();
        Optional<NotationSigner> notation = notationSigner();
        RegistryClient client = registry.clientFor(ref, terminal());
        TransferProgress progress = new TransferProgress(terminal().out(), TransferProgress.modeFor(terminal().out(), quiet));
        Descriptor root = Descriptor.fromProto(stored.getTarget());
        String digest;
        try {
            digest = new ImagePusher(new ContentStore(containerd), client, progress)
                    .push(root, ref.digest() != null ? ref.digest() : ref.tag());
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        progress.say((ref.tag() != null ? ref.tag() : ref.digest()) + ": digest: " + digest + " size: " + root.size());
        if (key.isPresent()) {
            try {
                String tag = new CosignArtifacts(client).sign(new CosignSigner(key.get()), ref.repository(), digest);
                progress.say("Pushed cosign signature to " + client.where() + ":" + tag);
            } catch (SignatureException e) {
                throw new JnerdException(e.getMessage());
            }
        }
        if (notation.isPresent()) {
            Descriptor pushed = new Descriptor(root.mediaType(), digest, root.size(), null, null);
            try {
                String where = new NotationArtifacts(client).push(pushed, "application/jose+json",
                        notation.get().sign(pushed), notation.get().chain());
                progress.say("Pushed notation signature to " + where);
            } catch (SignatureException e) {
                throw new JnerdException(e.getMessage());
            }
        }
        if (quiet) {
            terminal().out().println(digest);
        }
        return 0;
    }

    /** Read and checked before anything is pushed, so a wrong key or chain fails before the upload. */
    private Optional<NotationSigner> notationSigner() {
        if (sign != Sign.notation) {
            if (notationKey != null || notationCert != null) {
                throw new JnerdException("--notation-key and --notation-cert need --sign=notation");
            }
            return Optional.empty();
        }
        if (notationKey == null || notationCert == null) {
            throw new JnerdException("--sign=notation needs --notation-key=KEY and --notation-cert=CERT");
        }
        try {
            return Optional.of(NotationSigner.load(notationKey, notationCert,
                    () -> CosignPassword.read(terminal(), false), Clock.systemUTC()));
        } catch (SignatureException e) {
            throw new JnerdException(e.getMessage());
        }
    }

    /** Read before anything is pushed, so a wrong password fails before the upload, not after it. */
    private Optional<PrivateKey> signingKey() {
        if (sign != Sign.cosign) {
            if (cosignKey != null) {
                throw new JnerdException("--cosign-key needs --sign=cosign");
            }
            return Optional.empty();
        }
        if (cosignKey == null) {
            throw new JnerdException("--sign=cosign needs --cosign-key=KEY (keyless signing is not supported)");
        }
        try {
            return Optional.of(KeyFiles.readPrivate(cosignKey, () -> CosignPassword.read(terminal(), false)));
        } catch (SignatureException e) {
            throw new JnerdException(e.getMessage());
        }
    }
}
