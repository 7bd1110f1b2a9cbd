package io.jnerd.cli.command;

import io.jnerd.engine.image.ImageExport;
import io.jnerd.engine.image.Platform;
import io.jnerd.proto.Containerd;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd save}: images as one tarball (OCI layout and docker archive at once) that jnerd, docker and ctr load. */
@Command(name = "save", description = "Save images to a tar archive (stdout by default), for jnerd load, docker load or ctr import")
public final class SaveCommand extends ContainerdCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
    Path output;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "platform to save (default: the host's)")
    String platform;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    int call(Containerd containerd) throws Exception {
        Platform p = platform == null ? Platform.host() : Platform.parse(platform);
        ImageExport export = new ImageExport(containerd);
        if (output == null) {
            export.write(images, p, terminal().out());
            terminal().out().flush();
            return 0;
        }
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            export.write(images, p, out);
        } catch (Exception e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return 0;
    }
}
