package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell script in a child process with a private mount namespace
 * ({@code unshare -m --propagation private}): every mount it makes dies with it, and
 * the test JVM never unshares. The script gets {@code $1} = a work directory and the
 * shell functions:
 * <ul>
 * <li>{@code helper ARGS…}: {@link RroHelper} in a JVM like this one (same java, class path,
 *     backend), started through {@code $WRAP} when that is set (e.g. setpriv);
 * <li>{@code probe NAME PATH}: prints {@code NAME=written}, or {@code NAME=} and the shell's
 *     error when writing PATH fails.
 * </ul>
 */
final class PrivateMountNamespace {

    private static final String PRELUDE = String.join("\n",
            "helper() { ${WRAP:-} \"$JNERD_JAVA\" --enable-native-access=ALL-UNNAMED -Djnerd.native=\"$JNERD_NATIVE\""
                    + " -cp \"$JNERD_CP\" " + RroHelper.class.getName() + " \"$@\"; }",
            "probe() { if err=$( { echo x > \"$2\"; } 2>&1 ); then echo \"$1=written\"; else echo \"$1=$err\"; fi; }",
            "");

    private PrivateMountNamespace() {}

    /** The script's output: exit status and stdout+stderr, with its {@code key=value} lines. */
    static final class Result {
        final int exit;
        final String output;
        final Map<String, String> values = new HashMap<>();

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
            for (String line : output.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[\\w./-]+")) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }

        String get(String key) {
            return values.get(key);
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    static Result run(Path workDir, String script) throws IOException, InterruptedException {
        return run(List.of("unshare", "-m", "--propagation", "private"), workDir, script);
    }

    /**
     * Like {@link #run} but in a new user namespace too, root mapped to the caller: the
     * script has CAP_SYS_ADMIN only there, and the mounts it inherits are locked, as for
     * a rootless runtime.
     */
    static Result runInUserNamespace(Path workDir, String script) throws IOException, InterruptedException {
        return run(List.of("unshare", "-U", "--map-root-user", "-m", "--propagation", "private"), workDir, script);
    }

    private static Result run(List<String> unshare, Path workDir, String script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(unshare);
        cmd.addAll(List.of("sh", "-eu", "-c", PRELUDE + script, "sh", workDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JNERD_JAVA", ProcessHandle.current().info().command().orElseThrow());
        pb.environment().put("JNERD_CP", System.getProperty("java.class.path"));
        pb.environment().put("JNERD_NATIVE", System.getProperty("jnerd.native", ""));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("script did not finish in 120 s:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** Asserts that nothing below {@code dir} is mounted in this (the host) namespace. */
    static void assertNoMountsLeftBelow(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        long left = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].startsWith(prefix)).count();
        assertEquals(0, left, "mounts left below " + prefix);
    }
}
