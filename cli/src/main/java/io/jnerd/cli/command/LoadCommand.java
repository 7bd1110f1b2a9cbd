package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ImageArchive;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Platform;
import io.jnerd.proto.Containerd;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd load}: import an OCI or docker archive (file or stdin) and unpack it. */
@Command(name = "load", description = "Load an image from an OCI archive or docker-archive tarball (file or stdin)")
public final class LoadCommand extends ContainerdCommand {
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "read from FILE instead of stdin")
    Path input;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "platform to unpack (default: the host's)")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "print nothing")
    boolean quiet;

    @Override
    int call(Containerd containerd) throws Exception {
        Platform p = platform == null ? Platform.host() : Platform.parse(platform);
        List<String> names;
        try (InputStream in = input == null ? terminal().in() : Files.newInputStream(input);
             ImageArchive archive = ImageArchive.read(in, global().stateDir().resolve("tmp"))) {
            names = new ImageService(containerd).importArchive(archive, p, global().snapshotter());
        } catch (NoSuchFileException e) {
            throw new JnerdException("no such file: " + e.getFile());
        }
        if (!quiet) {
            names.forEach(n -> terminal().out().println("Loaded image: " + n));
        }
        return 0;
    }
}
