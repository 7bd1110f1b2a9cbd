package io.jnerd.bench.macro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who runs the rootless modes: the calling user, or, when bench runs as root, the dedicated
 * user {@value #DEFAULT_USER} (created with {@code useradd -m} when missing, so it gets
 * subuid/subgid ranges) through {@code runuser}. Without logind nobody makes
 * XDG_RUNTIME_DIR, so as root this makes /run/user/UID (0700, owned by the user).
 */
final class RootlessUser {
    static final String DEFAULT_USER = "jnerd-bench";
    private static final Duration SHORT = Duration.ofSeconds(60);

    private final List<String> prefix;
    private final String description;
    private final boolean otherUser;
    private final Path runtimeDir;

    private RootlessUser(List<String> prefix, String description, boolean otherUser, Path runtimeDir) {
        this.prefix = List.copyOf(prefix);
        this.description = description;
        this.otherUser = otherUser;
        this.runtimeDir = runtimeDir;
    }

    static RootlessUser prepare(String jnerd, String userName, boolean root, Progress progress) throws IOException {
        if (!root) {
            String dir = System.getenv("XDG_RUNTIME_DIR");
            return new RootlessUser(List.of(jnerd), System.getProperty("user.name"), false,
                    dir == null || dir.isEmpty() ? null : Path.of(dir));
        }
        if (!exists(userName)) {
            progress.line("creating user " + userName + " for the rootless modes (useradd -m)");
            Commands.run(List.of("useradd", "-m", "-s", "/bin/sh", userName), SHORT);
        }
        String uid = Commands.run(List.of("id", "-u", userName), SHORT).strip();
        Path runtimeDir = Path.of("/run/user", uid);
        if (!Files.isDirectory(runtimeDir)) {
            Files.createDirectories(runtimeDir);
            Commands.run(List.of("chown", userName + ":", runtimeDir.toString()), SHORT);
            Commands.run(List.of("chmod", "0700", runtimeDir.toString()), SHORT);
        }
        List<String> prefix = List.of("runuser", "-u", userName, "--", "env", "XDG_RUNTIME_DIR=" + runtimeDir,
                "HOME=" + Path.of("/home", userName), jnerd);
        return new RootlessUser(prefix, userName, true, runtimeDir);
    }

    private static boolean exists(String userName) {
        try {
            Commands.run(List.of("id", "-u", userName), SHORT);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The command line of {@code jnerd ARGS...} as this user. */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code jnerd ARGS...} as this user; a failure is "jnerd ARGS (as USER): its last line". */
    String run(Duration timeout, String... args) throws IOException {
        try {
            return Commands.run(command(args), timeout);
        } catch (Commands.Failed e) {
            throw new IOException("jnerd " + String.join(" ", args) + " (as " + description + "): " + e.reason(), e);
        }
    }

    String description() {
        return description;
    }

    /** The user's XDG_RUNTIME_DIR, where its rootless containerd's runc reaches sockets; empty when unset. */
    java.util.Optional<Path> runtimeDir() {
        return java.util.Optional.ofNullable(runtimeDir);
    }

    /** True when bench runs as root and this is the dedicated user: what it must write needs chown. */
    boolean isOtherUser() {
        return otherUser;
    }
}
