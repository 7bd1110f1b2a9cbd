package io.jnerd.seccomp.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * This process's open fds of the kinds seccomp's code makes, told apart by what
 * /proc/self/fd/N points at, for leak checks. A leak check counts only kinds its code under
 * test makes: the JVM's other threads open and close jar files, pipes to child processes
 * and /proc files whenever they like, and a count of every fd fails now and then.
 */
public final class OpenFds {

    /** A pidfd: "anon_inode:[pidfd]", or "pidfd:[INODE]" where pidfs backs them (Linux 6.9). */
    public static final Predicate<String> PIDFD = t -> t.equals("anon_inode:[pidfd]") || t.startsWith("pidfd:");
    public static final Predicate<String> LISTENER = t -> t.equals("anon_inode:seccomp notify");
    public static final Predicate<String> EVENTFD = t -> t.equals("anon_inode:[eventfd]");
    public static final Predicate<String> SOCKET = t -> t.startsWith("socket:");
    /** A target's /proc/TID/fdinfo/N, which {@link TargetFdFlags} keeps open. */
    public static final Predicate<String> FDINFO = t -> t.matches("/proc/\\d+/fdinfo/\\d+");
    /** Everything a supervisor's session holds: listener, wake-up eventfd, pidfds, fdinfo files. */
    public static final Predicate<String> SESSION = LISTENER.or(EVENTFD).or(PIDFD).or(FDINFO);

    private OpenFds() {}

    /** Open fds whose target is of {@code kind}. */
    public static long count(Predicate<String> kind) {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(OpenFds::target).filter(kind).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every open fd with what it points at, for failure messages. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> sb.append(p.getFileName()).append(" -> ").append(target(p)).append('\n'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** What the fd points at; "" for one closed meanwhile (the directory stream's own, say). */
    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
