package io.jnerd.http;

import io.jnerd.nativebindings.SockAddr;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Puts a listening unix socket at a path with mode 0600 and no window in which it has another
 * mode: bind(2) applies the umask, so the socket is bound under a temporary name, chmod-ed,
 * then renamed into place (a socket is found by its inode; renaming keeps it reachable).
 */
public final class UnixSocketFiles {

    /** sun_path's bytes less the terminating NUL. */
    public static final int MAX_PATH_BYTES = SockAddr.SUN_PATH_MAX - 1;

    private UnixSocketFiles() {}

    /** Binds a socket at a temporary path next to {@code target}; see {@link #publish}. */
    @FunctionalInterface
    public interface Binder {
        void bind(Path temporary) throws IOException;
    }

    /**
     * Checks {@code target}, lets {@code binder} bind at a temporary path, makes it 0600 and
     * renames it to {@code target}. A stale socket at {@code target} (nobody accepts on it)
     * is replaced; a live one or any other file is an error.
     */
    public static void publish(Path target, Binder binder) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".new");
        if (temporary.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IOException("socket path " + absolute + " is too long for a unix socket (at most "
                    + (MAX_PATH_BYTES - 4) + " bytes)");
        }
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("directory " + parent + " of socket " + absolute + " does not exist");
        }
        removeStale(absolute);
        Files.deleteIfExists(temporary);
        binder.bind(temporary);
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!"socket".equals(fileType(path))) {
            throw new IOException(path + " exists and is not a socket");
        }
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
        } catch (java.net.ConnectException stale) {
            Files.delete(path);
            return;
        }
        throw new IOException(path + " is in use by a running server");
    }

    private static String fileType(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000 ? "socket" : "other";
    }
}
