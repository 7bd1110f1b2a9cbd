package io.jnerd.cli.command;

import io.jnerd.cli.JnerdException;
import io.jnerd.cli.image.ImagePuller;
import io.jnerd.cli.image.ImageRef;
import io.jnerd.cli.image.Platform;
import io.jnerd.cli.registry.Credentials;
import io.jnerd.cli.registry.RegistryClient;
import io.jnerd.cli.registry.RegistryException;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd pull}: an image from a registry into containerd, unpacked. */
@Command(name = "pull", description = "Pull an image from a registry")
public final class PullCommand extends ContainerdCommand {
    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "platform to pull (default: the host's)")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "print only the image name")
    boolean quiet;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", description = "use plain HTTP for this registry")
    List<String> insecure = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Override
    int call(Containerd containerd) throws IOException {
        Platform p = platform == null ? Platform.host() : Platform.parse(platform);
        String name = pull(containerd, image, p, global().snapshotter(), insecure, terminal().env(),
                quiet ? line -> { } : line -> terminal().out().println(line));
        terminal().out().println(name);
        return 0;
    }

    /** Shared with {@code run --pull}: one line per blob to {@code progress}, the stored name back. */
    static String pull(Containerd containerd, String image, Platform platform, String snapshotter,
                       List<String> insecure, Map<String, String> env, Consumer<String> progress) throws IOException {
        ImageRef ref;
        try {
            ref = ImageRef.parse(image);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        RegistryClient registry = new RegistryClient(ref, Credentials.fromEnvironment(env), new HashSet<>(insecure));
        try {
            return new ImagePuller(containerd, progress).pull(ref, registry, platform, snapshotter);
        } catch (RegistryException e) {
            throw new JnerdException("pull " + ref + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage(), e);
        }
    }
}
