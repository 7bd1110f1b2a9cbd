package io.jnerd.cli.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs commands inside rootless containerd's user and mount namespaces. Anything that
 * mounts (reading an image's rootfs, preparing an rro tree) gets EPERM from the host
 * namespaces and must run there. It is done with a helper process ({@code nsenter}), never
 * by switching namespaces inside the JVM: setns(CLONE_NEWUSER) is refused to a
 * multithreaded process (EINVAL), and a mount-namespace switch on one thread would leave
 * the JVM's other threads behind.
 */
public final class RootlessNamespaces {

    private final RootlessPaths paths;

    public RootlessNamespaces(RootlessPaths paths) {
        this.paths = paths;
    }

    /** The pid, in the host's pid namespace, of rootlesskit's child (containerd). */
    public long childPid() throws IOException {
        if (!Files.exists(paths.childPidFile())) {
            throw new RootlessException("rootless containerd is not running (no " + paths.childPidFile()
                    + "): run `jnerd rootless start`");
        }
        return Long.parseLong(Files.readString(paths.childPidFile()).trim());
    }

    /**
     * {@code command} prefixed so that it runs in the user and mount namespaces, with full
     * capabilities there (setns into a user namespace one owns grants them).
     * {@code --preserve-credentials}: the caller's uid already maps to root of the
     * namespace, and the setgroups() nsenter would otherwise call is denied in it.
     */
    public List<String> wrap(List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of("nsenter", "-U", "--preserve-credentials", "-m",
                "-t", Long.toString(childPid())));
        full.addAll(command);
        return full;
    }
}
