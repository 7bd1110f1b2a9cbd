package io.jnerd.bench.macro;

import io.jnerd.netns.HelperProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rootful reference "container": a network namespace {@code jnerd-bref-XXXXXX} with a
 * veth pair whose other end is in the test host (10.201.N.1 there, 10.201.N.2 here), MTU
 * 1500 as docker's bridge uses. Processes run in it with {@code ip netns exec}: no runc,
 * because what the reference measures is the path, a veth pair and the kernel's TCP stack,
 * which is exactly what a rootful container on a bridge gets.
 */
final class ReferenceNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String peerLink;
    private final String testHostNs;
    private final int subnet;
    private final Path logDir;
    private HelperProcess holder;
    private boolean created;

    private ReferenceNamespace(String suffix, String testHostNs, int subnet, Path logDir) {
        this.name = "jnerd-bref-" + suffix;
        this.peerLink = "jbr" + suffix + "t";
        this.testHostNs = testHostNs;
        this.subnet = subnet;
        this.logDir = logDir;
    }

    static ReferenceNamespace create(String testHostNs, int subnet) throws IOException {
        String suffix = String.format("%06x", RANDOM.nextInt(1 << 24));
        ReferenceNamespace ns = new ReferenceNamespace(suffix, testHostNs, subnet, Files.createTempDirectory("jnerd-bref-"));
        try {
            ns.setUp(suffix);
            return ns;
        } catch (IOException | RuntimeException e) {
            try {
                ns.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void setUp(String suffix) throws IOException {
        String inner = "jbr" + suffix + "c";
        ip("netns", "add", name);
        created = true;
        ip("-n", testHostNs, "link", "add", peerLink, "type", "veth", "peer", "name", inner, "netns", name);
        ip("-n", testHostNs, "addr", "add", testHostAddress() + "/24", "dev", peerLink);
        ip("-n", testHostNs, "link", "set", peerLink, "up");
        ip("-n", name, "addr", "add", address() + "/24", "dev", inner);
        ip("-n", name, "link", "set", inner, "up");
        ip("-n", name, "link", "set", "lo", "up");
        holder = HelperProcess.start("holder", List.of("ip", "netns", "exec", name, "sleep", "infinity"),
                logDir.resolve("holder.log"));
    }

    String name() {
        return name;
    }

    /** The reference side, where its servers listen. */
    String address() {
        return "10.201." + subnet + ".2";
    }

    /** The test host's address on this link. */
    String testHostAddress() {
        return "10.201." + subnet + ".1";
    }

    /**
     * {@code command} inside this namespace, entered through the holder process rather than
     * /run/netns/NAME: that bind mount can vanish under us when another program on the
     * machine unmounts /run/netns, while /proc/PID/ns/net lives as long as the process.
     */
    List<String> wrap(List<String> command) {
        return enter(holder.pid(), command);
    }

    static List<String> enter(long pid, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "--"));
        cmd.addAll(command);
        return cmd;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        if (holder != null) {
            try {
                holder.stop();
                holder = null;
            } catch (IOException e) {
                failure = e;
            }
        }
        if (created) {
            // Deleting the namespace takes its veth end, and with it the peer in the test host.
            try {
                ip("netns", "del", name);
                created = false;
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        try (var logs = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) logs::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(logDir);
        if (failure != null) {
            throw failure;
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Commands.run(cmd, IP_TIMEOUT);
    }
}
