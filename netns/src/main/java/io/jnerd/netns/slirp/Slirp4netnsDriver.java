package io.jnerd.netns.slirp;


import io.jnerd.netns.DriverAttachment;
import io.jnerd.netns.Executables;
import io.jnerd.netns.FreePorts;
import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.NetworkDriver;
import io.jnerd.netns.NetworkSetupException;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.TunDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Attaches slirp4netns to a network namespace:
 * {@code slirp4netns --configure --mtu=65520 --disable-host-loopback --api-socket SOCK
 * [--enable-sandbox --enable-seccomp] --ready-fd=3 TARGET tap0}, and publishes ports with the
 * API socket's {@code add_hostfwd}.
 *
 * <p>Readiness: slirp4netns writes "1" to the ready fd once tap0 is configured (and its API
 * socket is bound). The JDK cannot hand a child an extra fd, so {@code sh} does it: {@code
 * exec slirp4netns ... 3>&1 1>&2} makes fd 3 the pipe Java reads as the child's stdout and
 * sends slirp4netns's own stdout to the log. This is better than polling the API socket
 * (bound before tap0 exists, no failure signal) and better than a FIFO (opening one blocks
 * until the other side opens it, which never happens if the child dies first): a pipe
 * reports the child's death as EOF at once, so a failed start is seen immediately.
 *
 * <p>Lifetime: slirp4netns does not notice that the namespace's processes are gone (it holds
 * the tap device, which keeps the namespace alive), so it must be stopped. Bound to this
 * process ({@code --exit-fd}: the read end of the pipe that is the child's stdin, which the
 * kernel closes when this JVM dies, however it dies), it cannot outlive a crashed jnerd;
 * unbound, it runs until the attachment is closed, for a caller that hands the
 * container's lifetime to something else (a detached run).
 */
public final class Slirp4netnsDriver implements NetworkDriver {

    /** slirp4netns's guest address with {@code --configure} and the default 10.0.2.0/24. */
    public static final String GUEST_ADDRESS = "10.0.2.100";

    private static final long READY_TIMEOUT_SECONDS = 15;

    private final Path stateDir;
    private final String binary;
    private final int mtu;
    private final boolean sandbox;
    private final boolean boundToThisProcess;

    /**
     * @param stateDir a directory of this container alone, for the API socket and the log
     *                 (created 0700); the socket path must stay under 108 bytes
     */
    public Slirp4netnsDriver(Path stateDir) {
        this(stateDir, "slirp4netns", 65520, true, true);
    }

    /**
     * @param binary  program name or path
     * @param mtu     the tap MTU (65520: slirp4netns's throughput is 6x that of 1500)
     * @param sandbox use {@code --enable-sandbox --enable-seccomp} where this slirp4netns has them
     * @param boundToThisProcess slirp4netns exits when this JVM does (see the class comment)
     */
    public Slirp4netnsDriver(Path stateDir, String binary, int mtu, boolean sandbox, boolean boundToThisProcess) {
        this.stateDir = stateDir;
        this.binary = binary;
        this.mtu = mtu;
        this.sandbox = sandbox;
        this.boundToThisProcess = boundToThisProcess;
    }

    @Override
    public String name() {
        return "slirp4netns";
    }

    public Path apiSocket() {
        return stateDir.resolve("slirp4netns.sock");
    }

    @Override
    public NetworkAttachment attach(NetnsTarget target, List<PortMapping> ports) throws IOException {
        Path program = Executables.require(binary, "slirp4netns");
        TunDevice.requireUsable();
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        Path socket = apiSocket();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length >= 108) {
            throw new NetworkSetupException("slirp4netns API socket path " + socket
                    + " is longer than a unix socket allows (107 bytes): use a shorter state directory");
        }
        Path log = stateDir.resolve("slirp4netns.log");
        Files.deleteIfExists(socket);

        ProcessBuilder builder = new ProcessBuilder(command(program, target, socket));
        if (!boundToThisProcess) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        HelperProcess process = HelperProcess.start("slirp4netns", builder, log);
        try {
            awaitReady(process, target);
            Slirp4netnsApi api = new Slirp4netnsApi(socket);
            List<PortMapping> published = new ArrayList<>();
            for (PortMapping requested : ports) {
                PortMapping mapping = FreePorts.resolve(requested);
                try {
                    api.addHostfwd(mapping.protocol(), mapping.hostIp().orElse(null), mapping.hostPort(),
                            mapping.containerPort());
                } catch (IOException e) {
                    throw new NetworkSetupException("cannot publish " + mapping + ": " + e.getMessage(), e);
                }
                published.add(mapping);
            }
            // slirp4netns keeps running when the namespace's last process exits (it holds the
            // tap fd, which keeps the namespace alive): detaching must stop it explicitly.
            return new DriverAttachment(process, published, () -> Files.deleteIfExists(socket));
        } catch (IOException | RuntimeException | Error e) {
            try {
                process.stop();
                Files.deleteIfExists(socket);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private List<String> command(Path program, NetnsTarget target, Path socket) throws IOException {
        // fd 3: the ready pipe (Java's end is the child's stdout); fd 4: the exit pipe (the child's stdin).
        String redirects = boundToThisProcess ? " 3>&1 1>&2 4<&0 0</dev/null" : " 3>&1 1>&2";
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec \"$0\" \"$@\"" + redirects));
        boolean sandboxed = sandbox && Slirp4netnsFeatures.of(program).sandbox();
        if (sandboxed && io.jnerd.nativebindings.Processes.getuid() == 0) {
            // The sandbox unshares a mount namespace and detaches the old root after
            // pivot_root; run as root (in our user namespace) that unmount propagated to the
            // host's shared mounts and took every /run/netns/NAME entry with it (slirp4netns
            // 1.2.0). A private mount namespace of its own first keeps it there. Rootless is
            // safe: a less privileged namespace's copies are slaves (mount_namespaces(7)).
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "--"));
        }
        cmd.addAll(List.of(program.toString(), "--configure", "--mtu=" + mtu, "--disable-host-loopback",
                "--api-socket", socket.toString()));
        if (boundToThisProcess) {
            cmd.add("--exit-fd=4");
        }
        if (sandboxed) {
            cmd.add("--enable-sandbox");
        }
        if (sandbox && Slirp4netnsFeatures.of(program).seccomp()) {
            cmd.add("--enable-seccomp");
        }
        cmd.add("--ready-fd=3");
        if (target.path().isPresent()) {
            cmd.add("--netns-type=path");
            target.userns().ifPresent(u -> cmd.add("--userns-path=" + u));
            cmd.add(target.path().get().toString());
        } else {
            cmd.add(Long.toString(target.pid().orElseThrow()));
        }
        cmd.add("tap0");
        return cmd;
    }

    private static void awaitReady(HelperProcess process, NetnsTarget target) throws IOException {
        InputStream ready = process.stdout();
        CompletableFuture<Integer> firstByte = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                firstByte.complete(ready.read());
            } catch (IOException e) {
                firstByte.completeExceptionally(e);
            }
        }, "slirp4netns-ready-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        int b;
        try {
            b = firstByte.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new NetworkSetupException("slirp4netns did not configure " + target + " within "
                    + READY_TIMEOUT_SECONDS + " s: " + process.lastLogLine());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for slirp4netns", e);
        } catch (ExecutionException e) {
            throw new IOException("reading slirp4netns's ready fd: " + e.getCause().getMessage(), e.getCause());
        }
        if (b != '1') {
            // EOF: slirp4netns exited; wait a moment so its last words reach the log.
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException stillRunning) {
                // the log line below is what matters
            }
            throw new NetworkSetupException("slirp4netns failed for " + target + ": " + process.lastLogLine());
        }
    }
}
