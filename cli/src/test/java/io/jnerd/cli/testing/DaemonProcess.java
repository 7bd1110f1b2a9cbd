package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.Main;
import io.jnerd.proto.testing.ContainerdFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code jnerd daemon --debug -H unix://SOCKET} in a JVM of its own over a fixture's
 * containerd (so clients and signals are real), its output in a log file: one line per request.
 */
public final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path log;

    private DaemonProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts it and returns once the socket exists. */
    public static DaemonProcess start(ContainerdFixture containerd, Path stateDir, Path socket, Path log,
            String... moreArgs) throws IOException, InterruptedException {
        Process p = javaProcess(List.of(), Main.class.getName(), containerd.env(stateDir), log,
                concat(List.of("daemon", "--debug", "-H", "unix://" + socket), moreArgs));
        DaemonProcess d = new DaemonProcess(p, socket, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(p.isAlive(), () -> "jnerd daemon exited: " + d.log());
            assertTrue(System.nanoTime() < deadline, () -> "no socket after 30 s: " + d.log());
            Thread.sleep(50);
        }
        return d;
    }

    /**
     * {@code java OPTIONS MAIN ARGS} with this JVM's class path, without this JVM's DOCKER_* and
     * TESTCONTAINERS_* variables and with {@code env} added, output to {@code log}.
     */
    public static Process javaProcess(List<String> jvmOptions, String mainClass, Map<String, String> env, Path log,
            List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmOptions);
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_") || k.startsWith("TESTCONTAINERS_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    public Path socket() {
        return socket;
    }

    /** What it printed so far: with --debug, {@code METHOD PATH -> STATUS} per request. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
