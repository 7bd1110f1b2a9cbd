package io.jnerd.cli.command;

import io.jnerd.cli.JnerdException;
import io.jnerd.cli.image.ImageRef;
import io.jnerd.cli.image.Platform;
import io.jnerd.cli.image.ResolvedImage;
import io.jnerd.cli.registry.ImagePuller;
import io.jnerd.cli.registry.ManifestCheck;
import io.jnerd.cli.registry.TransferProgress;
import io.jnerd.cli.sign.SignatureException;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd pull}: an image from a registry into containerd, unpacked; optionally only if signed (cosign or notation). */
@Command(name = "pull", description = "Pull an image from a registry")
public final class PullCommand extends ContainerdCommand {
    /** How an image is checked before it is pulled. */

    @Mixin
    RegistryOptions registry;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "platform to pull (default: the host's)")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "print only the image name")
    boolean quiet;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    @Override
    int call(Containerd containerd) throws Exception {
        ImageRef ref;
        Platform p;
        try {
            ref = ImageRef.parse(image);
            p = platform == null ? Platform.host() : Platform.parse(platform);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        Optional<ManifestCheck> verifier = verify.verifier(terminal());
        TransferProgress progress = new TransferProgress(terminal().out(), TransferProgress.modeFor(terminal().out(), quiet));
        long start = System.nanoTime();
        ResolvedImage pulled;
        try {
            pulled = new ImagePuller(containerd, registry.clientFor(ref, terminal()), progress, global().snapshotter())
                    .pull(ref, p, verifier);
        } catch (SignatureException | IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        if (!quiet) {
            terminal().out().printf("Digest: %s%nPulled %s in %.2f s%n", pulled.target().digest(), ref,
                    (System.nanoTime() - start) / 1e9);
        }
        terminal().out().println(ref);
        return 0;
    }

    /**
     * For {@code run --pull}: one plain line per blob to {@code progress}; the stored name
     * back. With a verifier nothing is written unless the signature verifies.
     */
    static String pull(Containerd containerd, String image, Platform platform, String snapshotter,
                       List<String> insecure, Map<String, String> env, Consumer<String> progress,
                       Optional<ManifestCheck> verifier) throws IOException {
        ImageRef ref;
        try {
            ref = ImageRef.parse(image);
            new ImagePuller(containerd, RegistryOptions.client(ref, insecure, env), TransferProgress.lines(progress),
                    snapshotter).pull(ref, platform, verifier);
        } catch (SignatureException | IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        return ref.toString();
    }

}
