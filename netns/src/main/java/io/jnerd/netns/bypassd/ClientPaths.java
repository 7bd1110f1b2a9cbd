package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * Where a client may have bypassd make files: the spec's socketPath, pidFilePath and
 * logFilePath. bypassd may run as root, and its client names the paths, so each is checked
 * before anything is made: an absolute path without "..", in a directory that is owned by
 * the daemon's user (or root) and writable by nobody else, whose final name is not a
 * symbolic link (and is opened with O_NOFOLLOW later, {@link #NO_FOLLOW}). The socket and
 * pid file must also lie under one of the client's runtime dirs ({@code $XDG_RUNTIME_DIR}, or
 * /run/jnerd as root), checked on the real path of their directory. nerdctl puts the log
 * in its own data dir (~/.local/share/nerdctl/...), so the log is not held to the runtime
 * dirs.
 */
public final class ClientPaths {

    /** Open options that refuse a symbolic link as the final name (O_NOFOLLOW). */
    static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final List<Path> runtimeDirs;

    private ClientPaths(List<Path> runtimeDirs) {
        this.runtimeDirs = runtimeDirs;
    }

    /** Paths under {@code runtimeDirs} only (those that do not exist are skipped). */
    public static ClientPaths under(List<Path> runtimeDirs) {
        return new ClientPaths(List.copyOf(runtimeDirs));
    }

    /** The same checks, with no runtime dir to keep to: for a bypass served in the client's own process. */
    public static ClientPaths anywhere() {
        return new ClientPaths(null);
    }

    /** @throws BypassException 400 naming the field and what is wrong with its path; nothing is made */
    void check(BypassSpec spec) throws BypassException {
        check("socketPath", spec.socketPath(), true, true);
        check("pidFilePath", spec.pidFilePath(), false, true);
        check("logFilePath", spec.logFilePath(), false, false);
    }

    private void check(String field, String value, boolean socket, boolean inRuntimeDir) throws BypassException {
        if (value == null || value.isEmpty()) {
            return;
        }
        Path path = Path.of(value);
        for (Path name : path) {
            if (name.toString().equals("..")) {
                throw bad(field, value, "must not contain \"..\"");
            }
        }
        Path parent = path.getParent();
        if (parent == null) {
            throw bad(field, value, "names no file");
        }
        Path realParent;
        PosixFileAttributes dir;
        try {
            realParent = parent.toRealPath();
            dir = Files.readAttributes(realParent, PosixFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BypassException(400, "cannot create " + field + " " + value + ": its directory " + parent
                    + " does not exist");
        } catch (IOException e) {
            throw bad(field, value, "its directory cannot be resolved (" + e.getMessage() + ")");
        }
        if (inRuntimeDir && runtimeDirs != null && !underRuntimeDir(realParent)) {
            throw bad(field, value, "is not under the runtime dir " + (runtimeDirs.size() == 1 ? runtimeDirs.get(0)
                    : "(one of " + runtimeDirs + ")"));
        }
        if (!dir.isDirectory()) {
            throw bad(field, value, "its parent is not a directory");
        }
        int owner = ownerOf(realParent);
        int self = Processes.getuid();
        if (owner != self && owner != 0) {
            throw bad(field, value, "its directory " + realParent + " belongs to uid " + owner + ", not to " + self);
        }
        Set<PosixFilePermission> mode = dir.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw bad(field, value, "its directory " + realParent + " is writable by group or others");
        }
        try {
            if (Files.exists(path, NO_FOLLOW)) {
                var a = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, NO_FOLLOW);
                if (a.isSymbolicLink()) {
                    throw bad(field, value, "is a symbolic link");
                }
                if (socket ? !a.isOther() : !a.isRegularFile()) {
                    throw bad(field, value, "exists and is not a " + (socket ? "socket" : "regular file"));
                }
                if (!socket && (Integer) Files.getAttribute(path, "unix:nlink", NO_FOLLOW) > 1) {
                    // A hard link is no symlink, but it too would steer the write to another file.
                    throw bad(field, value, "has other hard links");
                }
            }
        } catch (IOException e) {
            throw bad(field, value, "cannot be examined (" + e.getMessage() + ")");
        }
    }

    private boolean underRuntimeDir(Path realParent) {
        for (Path dir : runtimeDirs) {
            try {
                if (realParent.startsWith(dir.toRealPath())) {
                    return true;
                }
            } catch (IOException missing) {
                // Not there: nothing is under it.
            }
        }
        return false;
    }

    private static int ownerOf(Path dir) throws BypassException {
        try {
            return (Integer) Files.getAttribute(dir, "unix:uid");
        } catch (IOException | RuntimeException e) {
            throw new BypassException(400, "cannot read the owner of " + dir + ": " + e.getMessage());
        }
    }

    private static BypassException bad(String field, String value, String what) {
        return new BypassException(400, "field " + field + ": " + value + " " + what);
    }
}
