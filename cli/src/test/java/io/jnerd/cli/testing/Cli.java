package io.jnerd.cli.testing;

import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.proto.testing.ContainerdFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs jnerd commands in this JVM against a {@link ContainerdFixture}, capturing output. */
public final class Cli {
    private final ContainerdFixture containerd;
    private final Path stateDir;
    private final Map<String, String> extraEnv;

    public Cli(ContainerdFixture containerd, Path stateDir) {
        this(containerd, stateDir, Map.of());
    }

    private Cli(ContainerdFixture containerd, Path stateDir, Map<String, String> extraEnv) {
        this.containerd = containerd;
        this.stateDir = stateDir;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** The same, with more environment (e.g. DOCKER_CONFIG). */
    public Cli withEnv(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(extraEnv);
        all.putAll(env);
        return new Cli(containerd, stateDir, all);
    }

    /** The outcome of one command. */
    public static final class Result {
        public final int exitCode;
        public final String out;
        public final String err;

        Result(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public Result run(String... args) {
        return runWithInput("", args);
    }

    public Result runWithInput(String stdin, String... args) {
        return runWithInput(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    public Result runWithInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = containerd.env(stateDir);
        env.putAll(extraEnv);
        Terminal t = new Terminal(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        int code = Main.execute(t, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public Path stateDir() {
        return stateDir;
    }
}
