package io.jnerd.netns.bypass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Counts this JVM's fds of the kinds the bypass makes (sockets, pidfds, seccomp listeners),
 * by what /proc/self/fd/N points at. A leak check counts only those: the JVM's other
 * threads open and close jar files, pipes and /proc files at any moment.
 */
public final class OwnFds {

    public static final Predicate<String> SOCKET = t -> t.startsWith("socket:");
    /** "anon_inode:[pidfd]", or "pidfd:[INODE]" where pidfs backs pidfds (Linux 6.9). */
    public static final Predicate<String> PIDFD = t -> t.equals("anon_inode:[pidfd]") || t.startsWith("pidfd:");
    public static final Predicate<String> LISTENER = t -> t.equals("anon_inode:seccomp notify");

    private OwnFds() {}

    public static long count(Predicate<String> kind) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(OwnFds::target).filter(kind).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile, as the directory stream's own fd is
        }
    }
}
