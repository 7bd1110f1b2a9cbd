package io.jnerd.engine.rootless;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * containerd inside rootlesskit as the calling user: the role of nerdctl's
 * containerd-rootless.sh. rootlesskit makes a user namespace (subuids mapped through
 * newuidmap) and a mount namespace with private copies of /etc and /run; containerd runs
 * there as "root" of that namespace.
 *
 * <p>rootlesskit runs with {@code --net=host}: jnerd pulls images in its own process and
 * every container gets its own network namespace with slirp4netns (or bypass4netns)
 * attached from the host side, so containerd itself needs no network of its own, and an
 * extra slirp4netns for it would only cost start-up time.
 */
public final class RootlessContainerd {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    // Runs as the child of rootlesskit, inside the namespaces. containerd 1.6 hard-codes
    // /run/containerd/{s,runc,fifo}; binding the user's state dir there makes those
    // visible from the host namespaces too (for jnerd's stdio FIFOs and shim sockets).
    private static final String CHILD_SCRIPT = String.join("\n",
            "set -e",
            "mkdir -p /run/containerd \"$1\"",
            "mount --bind \"$1\" /run/containerd",
            "exec containerd --config \"$2\"");

    private final RootlessPaths paths;

    public RootlessContainerd(RootlessPaths paths) {
        this.paths = paths;
    }

    /** What {@code jnerd rootless status} prints. */
    public record Status(long pid, Path socket, Duration uptime, Path log) {}

    /** The running instance, if its pid file names a live rootlesskit. */
    public Optional<Status> status() {
        return runningProcess().map(p -> new Status(p.pid(), paths.containerdSocket(),
                p.info().startInstant().map(t -> Duration.between(t, Instant.now())).orElse(Duration.ZERO),
                paths.logFile()));
    }

    /** Starts containerd in the background and waits until its socket answers. */
    public Status start() throws IOException, InterruptedException {
        if (status().isPresent()) {
            throw new RootlessException("rootless containerd is already running (pid "
                    + status().get().pid() + ", " + paths.containerdSocket() + ")");
        }
        paths.checkRuntimeDir();
        Files.createDirectories(paths.jnerdState(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(paths.containerdRoot());
        // rootlesskit refuses a state dir left over from an instance that died.
        deleteTree(paths.rootlesskitState());
        Files.writeString(paths.configFile(), containerdConfig(), StandardCharsets.UTF_8);

        ProcessBuilder pb = new ProcessBuilder(command())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(paths.logFile().toFile()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("XDG_RUNTIME_DIR", paths.runtimeDir().toString());
        Process process = pb.start();
        Files.writeString(paths.pidFile(), Long.toString(process.pid()));
        try {
            awaitSocket(process);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            Files.deleteIfExists(paths.pidFile());
            throw e;
        }
        return status().orElseThrow(() -> new RootlessException("rootless containerd exited right after start: see "
                + paths.logFile()));
    }

    /** Stops it: SIGTERM to rootlesskit (which ends its child), then SIGKILL after a grace period. */
    public boolean stop() throws IOException {
        Optional<ProcessHandle> running = runningProcess();
        if (running.isEmpty()) {
            Files.deleteIfExists(paths.pidFile());
            return false;
        }
        ProcessHandle p = running.get();
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        try {
            p.onExit().get(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
        // containerd shims outlive containerd on purpose (containers keep running through a
        // daemon restart); stopping rootless containerd means stopping its containers too.
        tree.forEach(ProcessHandle::destroyForcibly);
        Files.deleteIfExists(paths.pidFile());
        return true;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(
                "setsid", // its own session: it must outlive the jnerd command that started it
                "rootlesskit",
                "--state-dir=" + paths.rootlesskitState(),
                "--net=host",
                "--copy-up=/etc",
                "--copy-up=/run",
                "--propagation=rslave",
                "sh", "-c", CHILD_SCRIPT, "jnerd-rootless-child",
                paths.containerdState().toString(),
                paths.configFile().toString()));
        return cmd;
    }

    String containerdConfig() {
        return String.join("\n",
                "# Written by jnerd rootless start; rewritten at every start.",
                "version = 2",
                "root = " + toml(paths.containerdRoot()),
                "state = " + toml(paths.containerdState()),
                "# CRI is for Kubernetes; jnerd and nerdctl talk to containerd's own API.",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "",
                "[grpc]",
                "  address = " + toml(paths.containerdSocket()),
                "",
                "[ttrpc]",
                "  address = " + toml(Path.of(paths.containerdSocket() + ".ttrpc")),
                "");
    }

    private static String toml(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Optional<ProcessHandle> runningProcess() {
        try {
            if (!Files.exists(paths.pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(paths.pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("rootlesskit")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void awaitSocket(Process process) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new RootlessException("rootless containerd exited with status " + process.exitValue()
                        + ": " + lastLine(paths.logFile()) + " (full log: " + paths.logFile() + ")");
            }
            if (answers(paths.containerdSocket())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new RootlessException("rootless containerd did not open " + paths.containerdSocket() + " within "
                + READY_TIMEOUT.toSeconds() + " s: see " + paths.logFile());
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        return "(empty log)";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
