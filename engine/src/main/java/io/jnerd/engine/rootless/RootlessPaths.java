package io.jnerd.engine.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * Where rootless jnerd keeps things, following nerdctl's layout so that nerdctl and ctr
 * find the same containerd: runtime state and sockets under {@code $XDG_RUNTIME_DIR}
 * (a tmpfs the user owns, gone at logout), persistent data under
 * {@code ~/.local/share}.
 */
public final class RootlessPaths {

    private final Path runtimeDir;
    private final Path home;

    public RootlessPaths(Path runtimeDir, Path home) {
        this.runtimeDir = runtimeDir;
        this.home = home;
    }

    /**
     * From the environment. XDG_RUNTIME_DIR is set by logind for a login session; without
     * one (no systemd, su, cron) it is missing, and runc needs it, so say how to make one.
     */
    public static RootlessPaths fromEnvironment(Map<String, String> env) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg == null || xdg.isBlank()) {
            throw new RootlessException("XDG_RUNTIME_DIR is not set: as root run `mkdir -m 0700 -p /run/user/"
                    + currentUid() + " && chown " + currentUid() + " /run/user/" + currentUid()
                    + "`, then `export XDG_RUNTIME_DIR=/run/user/" + currentUid() + "`");
        }
        return new RootlessPaths(Path.of(xdg), Path.of(env.getOrDefault("HOME", System.getProperty("user.home"))));
    }

    /** Checks that the runtime dir is a directory this user owns with mode 0700. */
    public void checkRuntimeDir() throws IOException {
        if (!Files.isDirectory(runtimeDir)) {
            throw new RootlessException("XDG_RUNTIME_DIR " + runtimeDir + " is not a directory");
        }
        Object owner = Files.getAttribute(runtimeDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (((Integer) owner) != currentUid()) {
            throw new RootlessException("XDG_RUNTIME_DIR " + runtimeDir + " is owned by uid " + owner
                    + ", not by this user (uid " + currentUid() + ")");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(runtimeDir);
        if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE))) {
            throw new RootlessException("XDG_RUNTIME_DIR " + runtimeDir + " must have mode 0700: chmod 0700 " + runtimeDir);
        }
    }

    public Path runtimeDir() {
        return runtimeDir;
    }

    /** jnerd's own runtime state: pid file, log, rootlesskit's state dir. */
    public Path jnerdState() {
        return runtimeDir.resolve("jnerd");
    }

    public Path rootlesskitState() {
        return jnerdState().resolve("rootlesskit");
    }

    public Path pidFile() {
        return jnerdState().resolve("rootlesskit.pid");
    }

    public Path logFile() {
        return jnerdState().resolve("containerd.log");
    }

    public Path configFile() {
        return jnerdState().resolve("containerd.toml");
    }

    /** containerd's state dir; bind-mounted onto /run/containerd inside the namespaces. */
    public Path containerdState() {
        return runtimeDir.resolve("containerd");
    }

    /** The default rootless containerd address (as nerdctl's). */
    public Path containerdSocket() {
        return containerdState().resolve("containerd.sock");
    }

    /** containerd's persistent root: images, snapshots. */
    public Path containerdRoot() {
        return home.resolve(".local/share/containerd");
    }

    /** rootlesskit writes the pid of its child (inside the namespaces) here. */
    public Path childPidFile() {
        return rootlesskitState().resolve("child_pid");
    }

    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new RootlessException("cannot read this process's uid from /proc/self: " + e.getMessage());
        }
    }
}
