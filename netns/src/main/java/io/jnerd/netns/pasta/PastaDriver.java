package io.jnerd.netns.pasta;

import io.jnerd.netns.DriverAttachment;
import io.jnerd.netns.Executables;
import io.jnerd.netns.FreePorts;
import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.NetworkDriver;
import io.jnerd.netns.NetworkSetupException;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.TunDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Attaches pasta (passt) to a network namespace: {@code pasta --foreground --config-net
 * --no-map-gw -t ... -u ... -T none -U none TARGET}. Ports are forwarded with {@code -t}/{@code -u}
 * at start (pasta has no API to add them later).
 *
 * <p>Readiness: pasta writes its {@code --pid} file once it has configured the namespace, so
 * the file's appearance says the network is up. pasta runs in the foreground, as our child:
 * a pasta that forked into the background belongs to init, and an init that reaps late (1.8 s
 * on the benchmark machine) kept every detach waiting for the zombie to go, which made a
 * {@code run --rm --net=pasta} 1.85 s slower than slirp4netns's.
 *
 * <p>Target: pasta joins a pid's user and network namespace; that works for a rootless
 * container (a namespace owned by a user namespace). A namespace owned by the initial user
 * namespace (rootful) pasta cannot open through /proc once it dropped its capabilities, so
 * the driver bind-mounts the namespace to a file in the state directory and passes that
 * with {@code --netns}. As root, pasta would switch to "nobody" and lose access to the
 * namespace; {@code --runas 0:0} keeps it root (it still drops capabilities it doesn't need).
 */
public final class PastaDriver implements NetworkDriver {

    private static final long START_TIMEOUT_SECONDS = 15;
    private static final String PID_FILE = "pasta.pid";
    private static final String NETNS_FILE = "netns";
    private static final String OUTPUT_FILE = "pasta.out";

    private final Path stateDir;
    private final String binary;

    public PastaDriver(Path stateDir) {
        this(stateDir, "pasta");
    }

    public PastaDriver(Path stateDir, String binary) {
        this.stateDir = stateDir;
        this.binary = binary;
    }

    @Override
    public String name() {
        return "pasta";
    }

    @Override
    public NetworkAttachment attach(NetnsTarget target, List<PortMapping> ports) throws IOException {
        Path program = Executables.require(binary, "passt");
        TunDevice.requireUsable();
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        Path log = stateDir.resolve("pasta.log");
        Path pidFile = stateDir.resolve(PID_FILE);
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(log);

        List<PortMapping> published = new ArrayList<>();
        for (PortMapping p : ports) {
            published.add(FreePorts.resolve(p));
        }
        NetnsBind bind = null;
        HelperProcess pasta = null;
        try {
            List<String> cmd = new ArrayList<>(List.of(program.toString(), "--foreground", "--config-net", "--no-map-gw",
                    "--quiet", "--pid", pidFile.toString(), "--log-file", log.toString()));
            // pasta forwards every port bound in the namespace (-t auto) unless told otherwise,
            // and -T/-U auto would expose the host's loopback ports to the container.
            cmd.addAll(portOptions("-t", Protocol.TCP, published));
            cmd.addAll(portOptions("-u", Protocol.UDP, published));
            cmd.addAll(List.of("-T", "none", "-U", "none"));
            if (isRoot()) {
                cmd.addAll(List.of("--runas", "0:0"));
            }
            if (target.path().isPresent()) {
                cmd.addAll(List.of("--netns", target.path().get().toString()));
                target.userns().ifPresent(u -> cmd.addAll(List.of("--userns", u.toString())));
            } else if (ownsUserNamespace(target.pid().orElseThrow())) {
                cmd.add(Long.toString(target.pid().get()));
            } else {
                bind = NetnsBind.create(target.netnsFile(), stateDir.resolve(NETNS_FILE));
                cmd.addAll(List.of("--netns", bind.file().toString()));
            }
            pasta = HelperProcess.start("pasta", cmd, stateDir.resolve(OUTPUT_FILE));
            awaitConfigured(pasta, pidFile, log, target);
            NetnsBind netnsBind = bind;
            return new DriverAttachment(pasta, published, () -> {
                if (netnsBind != null) {
                    netnsBind.close();
                }
            });
        } catch (IOException | RuntimeException | Error e) {
            cleanUp(e, pasta, bind);
            throw e;
        }
    }

    /**
     * Ends what an attachment in {@code stateDir} left because its owner died without
     * detaching (a network keeper or a jnerd run killed outright): pasta, named by its pid
     * file, if that process's command line names the same file (a recycled pid is left
     * alone), and the namespace's bind mount. Nothing to do after a normal detach.
     */
    public static void stopLeftover(Path stateDir) throws IOException {
        Path pidFile = stateDir.resolve(PID_FILE);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (java.nio.file.NoSuchFileException | NumberFormatException e) {
            pid = -1;
        }
        java.util.Optional<ProcessHandle> pasta = pid > 0 ? ProcessHandle.of(pid) : java.util.Optional.empty();
        if (pasta.isPresent() && pasta.get().info().arguments()
                .map(args -> List.of(args).contains(pidFile.toString())).orElse(false)) {
            HelperProcess.adopt("pasta", pasta.get(), stateDir.resolve(OUTPUT_FILE)).stop();
        }
        NetnsBind.releaseLeftover(stateDir.resolve(NETNS_FILE));
    }

    /** Until pasta wrote its pid file (it does once the namespace is configured). */
    private static void awaitConfigured(HelperProcess pasta, Path pidFile, Path log, NetnsTarget target)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (!Files.exists(pidFile) || Files.size(pidFile) == 0) {
            if (!pasta.isAlive()) {
                throw new NetworkSetupException("pasta failed for " + target + ": " + lastWords(pasta, log));
            }
            if (System.nanoTime() > deadline) {
                throw new NetworkSetupException("pasta did not configure " + target + " within "
                        + START_TIMEOUT_SECONDS + " s: " + lastWords(pasta, log));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pasta configures " + target, e);
            }
        }
    }

    private static void cleanUp(Throwable failure, HelperProcess pasta, NetnsBind bind) {
        try {
            if (pasta != null) {
                pasta.stop();
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        try {
            if (bind != null) {
                bind.close();
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static String lastWords(HelperProcess pasta, Path log) {
        String fromLog = Files.exists(log) ? PastaLog.last(log) : "";
        return fromLog.isEmpty() ? pasta.lastLogLine() : fromLog;
    }

    /** {@code -t [ADDR/]HOST:CONTAINER} per mapping of {@code protocol}, or {@code -t none}. */
    static List<String> portOptions(String flag, Protocol protocol, List<PortMapping> ports) {
        List<String> out = new ArrayList<>();
        for (PortMapping p : ports) {
            if (p.protocol() != protocol) {
                continue;
            }
            String address = p.hostIp().map(ip -> IpLiteral.format(ip) + "/").orElse("");
            out.add(flag);
            out.add(address + p.hostPort() + ":" + p.containerPort());
        }
        if (out.isEmpty()) {
            out.add(flag);
            out.add("none");
        }
        return out;
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** True when the pid's network namespace is owned by a user namespace other than ours. */
    private static boolean ownsUserNamespace(long pid) throws IOException {
        Path theirs = Path.of("/proc", Long.toString(pid), "ns", "user");
        return !Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
    }
}
