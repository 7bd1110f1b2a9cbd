package io.jnerd.netns.bypassd;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where bypassd listens: {@code $XDG_RUNTIME_DIR/bypass4netnsd.sock}, where nerdctl looks
 * for bypass4netnsd; as root without XDG_RUNTIME_DIR (no logind, e.g. CI),
 * {@code /run/jnerd/bypass4netnsd.sock}. The one rule: {@code jnerd bypassd} listens
 * there, and {@code run}, the network keeper and {@code info} look there.
 */
public final class BypassdSocket {
    static final Path ROOT_DEFAULT = Path.of("/run/jnerd/bypass4netnsd.sock");

    private BypassdSocket() {}

    /** @throws IllegalStateException for a non-root user without XDG_RUNTIME_DIR */
    public static Path resolve(Map<String, String> env, boolean root) {
        String dir = env.get("XDG_RUNTIME_DIR");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir, "bypass4netnsd.sock");
        }
        if (root) {
            return ROOT_DEFAULT;
        }
        throw new IllegalStateException("XDG_RUNTIME_DIR is not set: set it to a 0700 directory you own"
                + " (bypassd listens on $XDG_RUNTIME_DIR/bypass4netnsd.sock)");
    }

    /** {@link #resolve}, or empty where no socket can be named (a non-root user without XDG_RUNTIME_DIR). */
    public static Optional<Path> find(Map<String, String> env, boolean root) {
        try {
            return Optional.of(resolve(env, root));
        } catch (IllegalStateException noRuntimeDir) {
            return Optional.empty();
        }
    }
}
