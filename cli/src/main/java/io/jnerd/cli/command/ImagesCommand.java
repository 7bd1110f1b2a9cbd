package io.jnerd.cli.command;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.images.Image;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd images}: REPOSITORY, TAG, IMAGE ID, CREATED, SIZE (compressed layers for the host platform). */
@Command(name = "images", description = "List images")
public final class ImagesCommand extends ContainerdCommand {
    static final String DEFAULT_FORMAT = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    /** Every field --format knows, with its column header (docker's). */
    static final Map<String, String> FIELDS = fields();
    private static final Map<String, BiPredicate<Map<String, String>, String>> FILTERS = Map.of(
            "reference", (row, v) -> ListFilter.glob(v, row.get("Repository"))
                    || ListFilter.glob(v, row.get("Repository") + ":" + row.get("Tag")));

    @Option(names = {"-q", "--quiet"}, description = "only image IDs")
    boolean quiet;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "reference=PATTERN (a glob: alpine, busy*:1.36)")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "a Go-style template ({{.Repository}}, {{.Tag}}, {{.ID}}, {{.Size}}, ...), 'table TEMPLATE', or 'json'")
    String format;

    private static Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Repository", "REPOSITORY");
        f.put("Tag", "TAG");
        f.put("ID", "IMAGE ID");
        f.put("Digest", "DIGEST");
        f.put("CreatedSince", "CREATED");
        f.put("CreatedAt", "CREATED AT");
        f.put("Size", "SIZE");
        return f;
    }

    @Override
    void validate() {
        OutputFormat.parse(format, DEFAULT_FORMAT, FIELDS);
        ListFilter.parse(filters, FILTERS);
    }

    @Override
    int call(Containerd containerd) {
        ImageService images = new ImageService(containerd);
        ListFilter<Map<String, String>> filter = ListFilter.parse(filters, FILTERS);
        Instant now = Instant.now();
        List<Map<String, String>> rows = new ArrayList<>();
        for (Image image : images.list()) {
            Map<String, String> row = row(images, image, now);
            if (filter.matches(row)) {
                rows.add(row);
            }
        }
        if (quiet) {
            rows.forEach(r -> terminal().out().println(r.get("ID")));
            return 0;
        }
        OutputFormat.parse(format, DEFAULT_FORMAT, FIELDS).print(terminal().out(), rows);
        return 0;
    }

    private static Map<String, String> row(ImageService images, Image image, Instant now) {
        String id = image.getTarget().getDigest();
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
        Map<String, String> row = new LinkedHashMap<>();
        row.put("Repository", repo);
        row.put("Tag", tag);
        row.put("ID", id.startsWith("sha256:") ? id.substring(7, Math.min(id.length(), 19)) : id);
        row.put("Digest", id);
        row.put("CreatedSince", Times.ago(image.getCreatedAt(), now));
        row.put("CreatedAt", Instant.ofEpochSecond(image.getCreatedAt().getSeconds()).toString());
        row.put("Size", size(images, image));
        return row;
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
