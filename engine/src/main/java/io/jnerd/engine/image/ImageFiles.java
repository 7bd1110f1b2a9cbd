package io.jnerd.engine.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads small files (/etc/passwd, /etc/group) out of an image's layers in the content
 * store, top layer first, honouring whiteouts. No snapshot is mounted, so this works the
 * same rootful and rootless (where mounting from outside the user namespace fails).
 */
public final class ImageFiles {
    private static final long MAX_SIZE = 1 << 20;
    private final ContentStore content;
    private final List<Descriptor> layers;

    public ImageFiles(ContentStore content, ResolvedImage image) {
        this.content = content;
        this.layers = image.layers();
    }

    /** The file's text, or empty if no layer has it (or a higher layer deleted it). */
    public Optional<String> read(String absolutePath) {
        String wanted = strip(absolutePath);
        int slash = wanted.lastIndexOf('/');
        String whiteout = (slash < 0 ? "" : wanted.substring(0, slash + 1)) + ".wh." + wanted.substring(slash + 1);
        for (int i = layers.size() - 1; i >= 0; i--) {
            try (InputStream raw = new BufferedInputStream(content.open(layers.get(i).digest()))) {
                TarArchiveInputStream tar = Tars.reader(decompressed(raw));
                for (TarArchiveEntry e; (e = Tars.next(tar)) != null; ) {
                    String name = Tars.normalizedName(e);
                    if (name.equals(whiteout)) {
                        return Optional.empty();
                    }
                    if (name.equals(wanted) && Tars.isRegularFile(e) && e.getSize() <= MAX_SIZE) {
                        return Optional.of(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + absolutePath + " from layer " + layers.get(i).digest(), e);
            }
        }
        return Optional.empty();
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static String strip(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }
}
