package io.jnerd.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** jnerd's own directories for a container (its state dir, its network dir): removed whole. */
public final class StateDirs {
    private StateDirs() {}

    /** Removes {@code dir} and everything in it; gone already is fine. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException | UncheckedIOException e) {
            // rm -f and the container's own run --rm remove it at the same time: gone is gone.
            if (Files.exists(dir)) {
                throw new JnerdException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new JnerdException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
