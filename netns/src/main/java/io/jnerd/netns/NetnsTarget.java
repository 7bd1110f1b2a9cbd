package io.jnerd.netns;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The network namespace a driver attaches to: the one of a process (the container's init,
 * {@code /proc/PID/ns/net}) or a bind-mounted namespace file, optionally with the user
 * namespace that owns it (rootless: the namespace must be entered through its owner).
 */
public final class NetnsTarget {

    private final long pid;
    private final Path path;
    private final Path userns;

    private NetnsTarget(long pid, Path path, Path userns) {
        this.pid = pid;
        this.path = path;
        this.userns = userns;
    }

    /** The network namespace (and owning user namespace) of process {@code pid}. */
    public static NetnsTarget ofPid(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not a process id");
        }
        return new NetnsTarget(pid, null, null);
    }

    /** A namespace file such as {@code /run/netns/NAME}; {@code userns} may be null. */
    public static NetnsTarget ofPath(Path netns, Path userns) {
        return new NetnsTarget(0, Objects.requireNonNull(netns, "netns"), userns);
    }

    /** The process, when the target was given by pid. */
    public Optional<Long> pid() {
        return pid > 0 ? Optional.of(pid) : Optional.empty();
    }

    /** The namespace file, when the target was given by path. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    public Optional<Path> userns() {
        return Optional.ofNullable(userns);
    }

    /** The namespace file for either form. */
    public Path netnsFile() {
        return path != null ? path : Path.of("/proc", Long.toString(pid), "ns", "net");
    }

    @Override
    public String toString() {
        return path != null ? "netns " + path : "netns of pid " + pid;
    }
}
