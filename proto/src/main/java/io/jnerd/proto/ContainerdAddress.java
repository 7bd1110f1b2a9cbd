package io.jnerd.proto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where containerd's gRPC socket is: an explicit address, else CONTAINERD_ADDRESS, else the
 * default for who is asking (rootful: /run/containerd; rootless: $XDG_RUNTIME_DIR/containerd,
 * where a rootlesskit-hosted containerd puts it).
 */
public final class ContainerdAddress {
    public static final Path ROOTFUL_SOCKET = Path.of("/run/containerd/containerd.sock");

    private ContainerdAddress() {}

    /** {@code explicit} may be null or blank; then the environment and the user decide. */
    public static Path resolve(String explicit, Map<String, String> env) {
        String chosen = nonBlank(explicit) ? explicit : env.get("CONTAINERD_ADDRESS");
        if (nonBlank(chosen)) {
            return Path.of(chosen.startsWith("unix://") ? chosen.substring("unix://".length()) : chosen);
        }
        if (isRoot()) {
            return ROOTFUL_SOCKET;
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        return nonBlank(runtimeDir) ? Path.of(runtimeDir, "containerd", "containerd.sock") : ROOTFUL_SOCKET;
    }

    /** The effective uid is 0. Read from /proc so no native call is needed for it. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** The effective uid from /proc/self/status ("Uid: real effective saved fs"), -1 if unknown. */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }
}
