package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.engine.rootless.JnerdLauncher;
import io.jnerd.engine.rootless.RootlessRequirements;
import io.jnerd.engine.rootless.UnprivilegedUser;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded jnerd jar (a fresh JVM per command) as an ordinary user: as root, the
 * dedicated user {@code jnerd-test} (or {@link #NAME}; created if missing) through runuser; as an ordinary
 * user with subuids, that user itself. Skips with the reason otherwise.
 */
public final class RootlessUser {
    /** -Djnerd.rootlessUser=NAME: another user, for runs beside one that uses jnerd-test's containerd. */
    public static final String NAME = System.getProperty("jnerd.rootlessUser", "jnerd-test");
    private static final long TIMEOUT_SECONDS = 120;

    /** One jnerd command's exit status and output. */
    public record Result(int status, String out, String err) {
        public String describe() {
            return "exit " + status + ", stdout: " + out + ", stderr: " + err;
        }
    }

    private final java.util.function.UnaryOperator<List<String>> asUser;
    private final List<String> prefix;
    private final Path runtimeDir;

    private RootlessUser(java.util.function.UnaryOperator<List<String>> asUser, List<String> jnerd, Path runtimeDir) {
        this.asUser = asUser;
        this.prefix = asUser.apply(jnerd);
        this.runtimeDir = runtimeDir;
    }

    /** The user's XDG_RUNTIME_DIR (where jnerd daemon listens by default). */
    public Path runtimeDir() {
        return runtimeDir;
    }

    /** {@code command} (not jnerd: the docker CLI, say) as the user, with {@code stdin}. */
    public Result run(byte[] stdin, List<String> command) throws IOException, InterruptedException {
        return exec(asUser.apply(command), stdin, String.join(" ", command));
    }

    /** {@code jnerd ARGS} as the user, left running (jnerd daemon), its output into {@code log}. */
    public Process spawn(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(Path.of("/").toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /**
     * {@code java OPTIONS MAIN ARGS} as the user with this JVM's class path, copied first into
     * {@code classpathDir} (world-readable; the build's own lies under root's home, which the
     * user cannot read), with only the user's environment and {@code env}.
     */
    public Result java(Path classpathDir, List<String> jvmOptions, Map<String, String> env, String mainClass,
            String... args) throws IOException, InterruptedException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            if (Files.exists(from)) {
                Path to = classpathDir.resolve(n++ + "-" + from.getFileName());
                copyTree(from, to);
                entries.add(to.toString());
            }
        }
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", String.join(java.io.File.pathSeparator, entries)));
        cmd.addAll(jvmOptions);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return run(new byte[0], cmd);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
                Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    public static RootlessUser get() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("user.dir"), "target", "jnerd.jar");
        assumeTrue(Files.isRegularFile(jar), "needs the shaded jar " + jar + " (runs after package)");
        JnerdLauncher launcher = new JnerdLauncher(Path.of(ProcessHandle.current().info().command().orElseThrow()), jar);
        if (ContainerdAddress.isRoot()) {
            UnprivilegedUser user = UnprivilegedUser.ensure(NAME, new PrintStream(PrintStream.nullOutputStream()));
            UnprivilegedUser.makeTunUsable(System.out);
            return new RootlessUser(user::asUser, user.installJar(launcher).command(), user.runtimeDir());
        }
        List<RootlessRequirements.Check> checks = RootlessRequirements.forCurrentUser().run();
        assumeTrue(RootlessRequirements.allOk(checks), "rootless tier needs root (to make user " + NAME
                + ") or an ordinary user that passes `jnerd rootless check`: " + checks.stream()
                .filter(c -> !c.ok()).map(RootlessRequirements.Check::line).toList());
        return new RootlessUser(c -> c, launcher.command(), Path.of(System.getenv("XDG_RUNTIME_DIR")));
    }

    public Result jnerd(String... args) throws IOException, InterruptedException {
        return jnerdWithInput(new byte[0], args);
    }

    public Result jnerdWithInput(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        return exec(cmd, stdin, "jnerd " + String.join(" ", args));
    }

    private static Result exec(List<String> cmd, byte[] stdin, String what) throws IOException, InterruptedException {
        Path err = Files.createTempFile("jnerd-rootless-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
