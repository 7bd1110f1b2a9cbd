package io.jnerd.cli.command;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.images.Image;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd images}: REPOSITORY, TAG, IMAGE ID, CREATED, SIZE (compressed layers for the host platform). */
@Command(name = "images", description = "List images")
public final class ImagesCommand extends ContainerdCommand {
    @Option(names = {"-q", "--quiet"}, description = "only image IDs")
    boolean quiet;

    @Override
    int call(Containerd containerd) {
        ImageService images = new ImageService(containerd);
        List<String[]> rows = new ArrayList<>();
        for (Image image : images.list()) {
            String id = image.getTarget().getDigest();
            String shortId = id.startsWith("sha256:") ? id.substring(7, Math.min(id.length(), 19)) : id;
            if (quiet) {
                terminal().out().println(shortId);
                continue;
            }
            String repo = image.getName();
            String tag = "<none>";
            try {
                ImageRef ref = ImageRef.parse(image.getName());
                String familiar = ref.familiar();
                repo = ref.tag() != null ? familiar.substring(0, familiar.lastIndexOf(':')) : familiar;
                tag = ref.tag() != null ? ref.tag() : "<none>";
            } catch (IllegalArgumentException e) {
                // a name jnerd cannot parse: shown as stored
            }
            rows.add(new String[] {repo, tag, shortId, Times.ago(image.getCreatedAt()), size(images, image)});
        }
        if (!quiet) {
            Table.print(terminal().out(), new String[] {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"}, rows);
        }
        return 0;
    }

    private static String size(ImageService images, Image image) {
        try {
            ResolvedImage r = images.resolve(image.getName(), Platform.host());
            long total = r.configDescriptor().size() + r.manifest().size();
            for (Descriptor l : r.layers()) {
                total += l.size();
            }
            return human(total);
        } catch (RuntimeException e) {
            return "-";
        }
    }

    static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
