package io.jnerd.seccomp.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts this process's open fds (/proc/self/fd), for leak checks. */
public final class OpenFds {

    private OpenFds() {}

    public static long count() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1; // the directory stream's own fd
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every open fd with what it points at, for failure messages. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    sb.append(p.getFileName()).append(" -> ").append(Files.readSymbolicLink(p)).append('\n');
                } catch (IOException e) {
                    sb.append(p.getFileName()).append(" (gone)\n");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }
}
