package io.jnerd.engine.rootless;

import io.jnerd.engine.JnerdException;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Openat2;
import io.jnerd.nativebindings.SyscallException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mount an ordinary user cannot make on the host (a rootless container's snapshot: overlayfs
 * with {@code userxattr}), made where the user is root: inside rootlesskit's user and mount
 * namespaces, in a private mount namespace of a short-lived helper ({@code nsenter}, {@code
 * unshare}, {@code mount(8)}; no namespace switching inside the JVM). The caller gets an O_PATH
 * fd opened through {@code /proc/HELPER/root}; the helper then exits, its namespace goes and the
 * mount lives on only as long as that fd (as after MNT_DETACH): nothing stays mounted.
 */
public final class NamespacedMount {
    private static final long HELPER_SECONDS = 30;

    private NamespacedMount() {}

    /**
     * Mounts {@code source} of {@code type} ({@code none} for a bind) with {@code options} on
     * {@code point} (a directory the user owns, seen at the same path inside: rootlesskit's
     * copy-up of /run keeps relative symlinks to the originals) and returns it as an O_PATH fd.
     */
    public static Fd open(RootlessPaths paths, String type, String source, List<String> options, Path point)
            throws IOException {
        long child = childPid(paths);
        // The values reach mount(8) as arguments ("$1".."$4"), never as shell text.
        List<String> command = List.of("nsenter", "-U", "--preserve-credentials", "-m", "-t", Long.toString(child),
                "--", "unshare", "-m", "--propagation", "private", "--", "sh", "-c",
                "mount -t \"$1\" -o \"$2\" -- \"$3\" \"$4\" && echo \"mounted $$\" && exec cat", "sh",
                type, String.join(",", options), source, point.toString());
        Process helper = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(helper.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null || !line.startsWith("mounted ")) {
                String rest = new String(helper.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new JnerdException("cannot mount " + source + " inside rootless containerd's namespaces: "
                        + ((line == null ? "" : line + " ") + rest).strip());
            }
            long pid = Long.parseLong(line.substring("mounted ".length()).strip());
            try {
                return Openat2.openPath("/proc/" + pid + "/root" + point);
            } catch (SyscallException e) {
                throw new JnerdException("cannot open the mount of " + source + " through its helper: " + e.getMessage(), e);
            }
        } finally {
            helper.getOutputStream().close(); // cat ends, and with it the helper's mount namespace
            try {
                if (!helper.waitFor(HELPER_SECONDS, TimeUnit.SECONDS)) {
                    helper.destroyForcibly();
                }
            } catch (InterruptedException e) {
                helper.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long childPid(RootlessPaths paths) throws IOException {
        try {
            return Long.parseLong(Files.readString(paths.childPidFile()).strip());
        } catch (NoSuchFileException e) {
            throw new JnerdException("rootless containerd is not running (no " + paths.childPidFile()
                    + "): jnerd rootless start");
        } catch (NumberFormatException e) {
            throw new JnerdException(paths.childPidFile() + " does not hold a pid");
        }
    }
}
