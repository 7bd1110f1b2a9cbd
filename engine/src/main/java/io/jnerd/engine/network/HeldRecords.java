package io.jnerd.engine.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The containers the resident keeper holds, one file each in its held dir (0600, written
 * atomically): the keep request and the init's pid. What a keeper started after one was
 * killed reads to take them over.
 */
final class HeldRecords {
    private final Path dir;

    HeldRecords(Path dir) {
        this.dir = dir;
    }

    /** One held container: what its run asked for, and its init then. */
    record Held(KeeperRequest request, long pid) {}

    void write(KeeperRequest request, long pid) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".held", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, request.toJson() + "\n" + pid + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file(request), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("recording " + request.id() + " in " + dir, e);
        }
    }

    void remove(KeeperRequest request) {
        try {
            Files.deleteIfExists(file(request));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("removing the record of " + request.id(), e);
        }
    }

    /** Every record that reads; one that does not is reported to {@code log} and removed. */
    List<Held> list(Consumer<String> log) throws IOException {
        List<Held> held = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return held;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.held")) {
            for (Path f : files) {
                try {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    held.add(new Held(KeeperRequest.parse(lines.get(0)), Long.parseLong(lines.get(1))));
                } catch (IOException | RuntimeException e) {
                    log.accept("dropping the unreadable record " + f + ": " + e.getMessage());
                    Files.deleteIfExists(f);
                }
            }
        }
        return held;
    }

    private Path file(KeeperRequest request) {
        return dir.resolve(request.namespace().replace('/', '_') + "." + request.id() + ".held");
    }
}
