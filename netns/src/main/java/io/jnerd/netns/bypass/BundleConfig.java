package io.jnerd.netns.bypass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;

/**
 * A container's OCI {@code config.json}, read from its bundle the way a file in a directory
 * someone else controls is read: not through a symlink at {@code config.json} (O_NOFOLLOW),
 * only when it is a regular file, and at most {@link #MAX_BYTES}. Field names are matched
 * as runc's Go decoder matches them (case-insensitively), and a name given twice in
 * different cases is refused rather than guessed.
 *
 * <p>A FIFO swapped in between the type check and the open would block the reading thread;
 * only the bundle's owner can do that, and the bundle's owner is the user this agent serves.
 */
final class BundleConfig {

    /** runc's config.json is tens of KiB (the seccomp profile is most of it). */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleConfig() {}

    /** @throws IOException naming the file and what was wrong with it */
    static JsonNode read(Path bundle) throws IOException {
        Path file = bundle.resolve("config.json");
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException(file + " is not a regular file" + (a.isSymbolicLink() ? " (a symbolic link)" : ""));
        }
        if (a.size() > MAX_BYTES) {
            throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) a.size() + 1);
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until full or EOF
            }
        }
        if (!buf.hasRemaining()) {
            throw new IOException(file + " grew while it was read");
        }
        return JSON.readTree(buf.array(), 0, buf.position());
    }

    /**
     * The member {@code name} of {@code object}, matched case-insensitively as Go's
     * encoding/json does; missing (a missing node) when absent.
     *
     * @throws IOException when {@code object} is not an object or names it more than once
     */
    static JsonNode field(JsonNode object, String name) throws IOException {
        if (object.isMissingNode() || object.isNull()) {
            return object;
        }
        if (!object.isObject()) {
            throw new IOException("expected an object where \"" + name + "\" is looked up");
        }
        JsonNode found = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        boolean seen = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                if (seen) {
                    throw new IOException("\"" + name + "\" is given more than once (in different cases)");
                }
                seen = true;
                found = e.getValue();
            }
        }
        return found;
    }
}
