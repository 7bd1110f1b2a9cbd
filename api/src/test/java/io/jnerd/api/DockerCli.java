package io.jnerd.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real docker CLI against a socket, with a config folder of its own (never the user's ~/.docker). */
public final class DockerCli {

    public record Result(int exit, String out, String err) {}

    private final Path socket;
    private final Path config;

    public DockerCli(Path socket, Path config) {
        this.socket = socket;
        this.config = config;
    }

    public static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "docker");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        assumeTrue(false, "no docker CLI on PATH (CI installs Debian's docker.io client; dockerd is never started)");
        return null;
    }

    public Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runWithInput(null, env, args);
    }

    /**
     * Under a pseudo-terminal, as a person at a terminal runs it (util-linux script(1) makes
     * the pty; its own stdin is empty).
     */
    public Result runInTerminal(String... args) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder(binary());
        for (String a : args) {
            line.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        return runProgram(new byte[0], Map.of(), List.of("script", "-qefc", line.toString(), "/dev/null"));
    }

    /** With {@code stdin} (null: none) as its standard input, ended (EOF) after it. */
    public Result runWithInput(byte[] stdin, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary());
        cmd.addAll(List.of(args));
        return runProgram(stdin, env, cmd);
    }

    /** docker ARGS left running (docker events, logs -f), its output and errors into {@code out}. */
    public Process spawn(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary());
        cmd.addAll(List.of(args));
        return environment(new ProcessBuilder(cmd), Map.of()).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    private ProcessBuilder environment(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", config.toString());
        pb.environment().putAll(env);
        return pb;
    }

    private Result runProgram(byte[] stdin, Map<String, String> env, List<String> cmd)
            throws IOException, InterruptedException {
        ProcessBuilder pb = environment(new ProcessBuilder(cmd), env);
        Path out = Files.createTempFile(config, "out", ".txt");
        Path err = Files.createTempFile(config, "err", ".txt");
        if (stdin != null) {
            Path in = Files.createTempFile(config, "in", ".bin");
            Files.write(in, stdin);
            pb.redirectInput(in.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
