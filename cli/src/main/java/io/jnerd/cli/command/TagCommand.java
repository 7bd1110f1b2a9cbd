package io.jnerd.cli.command;

import io.jnerd.engine.image.ImageService;
import io.jnerd.proto.Containerd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnerd tag}: a second name for an image (the same content, nothing copied). */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
public final class TagCommand extends ContainerdCommand {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]")
    String target;

    @Override
    void validate() {
        ImageService.normalize(source);
        ImageService.normalize(target);
    }

    @Override
    int call(Containerd containerd) {
        new ImageService(containerd).tag(source, target);
        return 0;
    }
}
