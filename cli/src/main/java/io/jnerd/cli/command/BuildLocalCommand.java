package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ImageArchive;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.image.OciImageBuilder;
import io.jnerd.engine.image.Platform;
import io.jnerd.proto.Containerd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnerd build-local}: a one-layer image from host files (busybox-static plus any
 * host binaries with their libraries), written as an OCI archive or loaded into containerd.
 * For tests and {@code jnerd demo}, which have no registry.
 */
@Command(name = "build-local", hidden = true,
        description = "Build a small image from host binaries (busybox-static + --add BINARY...)")
public final class BuildLocalCommand extends Subcommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "image name, e.g. jnerd/demo:latest")
    String name;

    @Option(names = "--busybox", paramLabel = "PATH", description = "static busybox (default: /bin/busybox)")
    Path busybox = Path.of("/bin/busybox");

    @Option(names = "--add", paramLabel = "BINARY", description = "host binary to add at its own path, with its libraries")
    List<Path> binaries = new ArrayList<>();

    @Option(names = "--cmd", paramLabel = "ARG", split = " ", description = "default command (space separated)")
    List<String> cmd = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write an OCI archive instead of loading")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(busybox)) {
            throw new JnerdException("busybox not found at " + busybox + " (install busybox-static)");
        }
        OciImageBuilder builder = OciImageBuilder.busybox(busybox);
        for (Path b : binaries) {
            if (!Files.isRegularFile(b)) {
                throw new JnerdException("no such binary: " + b);
            }
            builder.addHostBinary(b);
        }
        if (!cmd.isEmpty()) {
            builder.cmd(cmd);
        }
        OciImage image = builder.build();
        String ref = ImageService.normalize(name);
        if (output != null) {
            image.writeOciArchive(output, ref);
            return 0;
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        image.writeOciArchive(tar, ref);
        try (Containerd containerd = global().connect();
             ImageArchive archive = ImageArchive.read(new ByteArrayInputStream(tar.toByteArray()),
                     global().stateDir().resolve("tmp"))) {
            new ImageService(containerd).importArchive(archive, Platform.host(), global().snapshotter());
        }
        global().terminal().out().println("Built image: " + ref);
        return 0;
    }
}
