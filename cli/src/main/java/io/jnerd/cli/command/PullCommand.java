package io.jnerd.cli.command;

import io.jnerd.cli.TransferProgress;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.engine.registry.ImagePuller;
import io.jnerd.engine.registry.ManifestCheck;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.proto.Containerd;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd pull}: an image from a registry into containerd, unpacked; optionally only if signed (cosign or notation). */
@Command(name = "pull", description = "Pull an image from a registry")
public final class PullCommand extends ContainerdCommand {
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
}
