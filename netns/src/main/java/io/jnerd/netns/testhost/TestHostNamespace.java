package io.jnerd.netns.testhost;

import io.jnerd.netns.Cidr;
import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The "remote" side of network tests and benchmarks (DESIGN.md, "The test network"): a
 * network namespace {@code jnerd-th-XXXXXX} joined to the host by a veth pair, host side
 * {@code 10.200.N.1/24} and {@code fd00:200:N::1/64}, inside {@code 10.200.N.2/24} and
 * {@code fd00:200:N::2/64}, with N chosen so that no address of the host is in that /24. Needs root.
 *
 * <p>A holder process ({@code unshare --net sleep infinity}) makes and holds the namespace,
 * and everything runs inside it through the holder's {@code /proc/PID/ns/net}. The name under
 * /run/netns is attached only for the programs that use it ({@code ip -n NAME}): it is a bind
 * mount, and such mounts vanished whenever a rootful slirp4netns sandbox started (fixed in
 * Slirp4netnsDriver, but other programs can do the same), whereas the holder's link lives
 * as long as the process.
 * {@link #close()} stops the servers and removes the link and the namespace, also after a
 * half-finished {@link #create()}.
 */
public final class TestHostNamespace implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String hostLink;
    private final int subnet;
    private final Path logDir;
    private final List<HelperProcess> servers = new ArrayList<>();
    private HelperProcess holder;
    private boolean nameAttached;
    private boolean linkCreated;
    private boolean closed;

    private TestHostNamespace(String suffix, int subnet, Path logDir) {
        this.name = "jnerd-th-" + suffix;
        this.hostLink = "jth" + suffix + "h";
        this.subnet = subnet;
        this.logDir = logDir;
    }

    /** Creates the namespace and the veth pair and brings both ends (and the inside lo) up. */
    public static TestHostNamespace create() throws IOException {
        String suffix = String.format("%06x", RANDOM.nextInt(1 << 24));
        TestHostNamespace th = new TestHostNamespace(suffix, freeSubnet(), Files.createTempDirectory("jnerd-th-"));
        try {
            th.setUp();
            return th;
        } catch (IOException | RuntimeException e) {
            try {
                th.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void setUp() throws IOException {
        String inner = "jth" + name.substring("jnerd-th-".length()) + "n";
        holder = HelperProcess.start("holder", List.of("unshare", "--net", "--", "sleep", "infinity"),
                logDir.resolve("holder.log"));
        awaitOwnNamespace();
        String pid = Long.toString(holder.pid());
        ip("netns", "attach", name, pid);
        nameAttached = true;
        ip("link", "add", hostLink, "type", "veth", "peer", "name", inner, "netns", pid);
        linkCreated = true;
        ip("addr", "add", hostAddress().getHostAddress() + "/24", "dev", hostLink);
        // nodad: duplicate address detection would keep the IPv6 addresses "tentative" (unusable) for a second.
        ip("addr", "add", IpLiteral.format(hostAddress6()) + "/64", "dev", hostLink, "nodad");
        ip("link", "set", hostLink, "up");
        inside("addr", "add", address().getHostAddress() + "/24", "dev", inner);
        inside("addr", "add", IpLiteral.format(address6()) + "/64", "dev", inner, "nodad");
        inside("link", "set", inner, "up");
        inside("link", "set", "lo", "up");
    }

    /** Until the holder has unshared: before that, its /proc/PID/ns/net is still the host's. */
    private void awaitOwnNamespace() throws IOException {
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!holder.isAlive()) {
                throw new IOException("unshare --net failed: " + holder.lastLogLine());
            }
            try {
                if (!Files.readSymbolicLink(netnsPath()).equals(ours)) {
                    return;
                }
            } catch (IOException raceWithExec) {
                // the link is briefly unreadable while unshare execs sleep: try again
            }
            sleep(5);
        }
        throw new IOException("unshare --net (pid " + holder.pid() + ") made no network namespace within 10 s");
    }

    /** A 10.200.N.0/24 with no address of the host in it (tried at random, then in order). */
    private static int freeSubnet() throws IOException {
        String addresses = run(List.of("ip", "-o", "addr", "show"));
        int start = RANDOM.nextInt(256);
        for (int i = 0; i < 256; i++) {
            int n = (start + i) % 256;
            if (!addresses.contains(" 10.200." + n + ".")) {
                return n;
            }
        }
        throw new IOException("every 10.200.N.0/24 is in use on this host");
    }

    public String name() {
        return name;
    }

    /** The host side of the veth pair, 10.200.N.1. */
    public InetAddress hostAddress() {
        return IpLiteral.parse("10.200." + subnet + ".1");
    }

    /** The test host's own address, 10.200.N.2: where its servers listen. */
    public InetAddress address() {
        return IpLiteral.parse("10.200." + subnet + ".2");
    }

    /** The host side's IPv6 address, fd00:200:N::1. */
    public InetAddress hostAddress6() {
        return IpLiteral.parse("fd00:200:" + Integer.toHexString(subnet) + "::1");
    }

    /** The test host's IPv6 address, fd00:200:N::2. */
    public InetAddress address6() {
        return IpLiteral.parse("fd00:200:" + Integer.toHexString(subnet) + "::2");
    }

    public Cidr subnet() {
        return Cidr.parse("10.200." + subnet + ".0/24");
    }

    /** The namespace, as the holder process's {@code /proc/PID/ns/net}. */
    public Path netnsPath() {
        return Path.of("/proc", Long.toString(holder.pid()), "ns", "net");
    }

    /** {@code command} wrapped to run inside the namespace ({@code nsenter --net=... --}). */
    public List<String> enter(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netnsPath(), "--"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts {@code command} inside the namespace; it is stopped on {@link #close()}. */
    public HelperProcess start(String label, String... command) throws IOException {
        List<String> cmd = enter(List.of(command));
        HelperProcess p = HelperProcess.start(label, cmd, logDir.resolve(label + "-" + servers.size() + ".log"));
        servers.add(p);
        return p;
    }

    /** busybox httpd serving {@code docroot} on {@code address():port}; returns once it accepts. */
    public HelperProcess startHttpd(Path docroot, int port) throws IOException {
        HelperProcess p = start("httpd", "busybox", "httpd", "-f", "-p", address().getHostAddress() + ":" + port,
                "-h", docroot.toString());
        awaitTcp(p, port);
        return p;
    }

    /**
     * iperf3 server on {@code address():port}; returns once it listens. Readiness is read
     * from the socket table, not probed by connecting: iperf3 takes any connection for a
     * test client and turns the next one away while it deals with it.
     */
    public HelperProcess startIperf3(int port) throws IOException {
        HelperProcess p = start("iperf3", "iperf3", "-s", "-B", address().getHostAddress(), "-p", Integer.toString(port));
        awaitBound(p, "tcp", port);
        return p;
    }

    /**
     * socat UDP echo on {@code port} of both addresses (each datagram comes back to its
     * sender). Returns once the socket is bound inside the namespace.
     */
    public HelperProcess startUdpEcho(int port) throws IOException {
        HelperProcess p = start("udp-echo", "socat", "UDP6-RECVFROM:" + port + ",ipv6only=0,fork", "PIPE");
        awaitBound(p, "udp", port);
        return p;
    }

    /** A TCP echo on {@code port} of both addresses; returns once it accepts. */
    public HelperProcess startTcpEcho(int port) throws IOException {
        HelperProcess p = start("tcp-echo", "socat", "TCP6-LISTEN:" + port + ",ipv6only=0,reuseaddr,fork", "PIPE");
        awaitTcp(p, port);
        return p;
    }

    /**
     * A TCP server on {@code port} (IPv4) that answers each connection with the
     * address it came from ({@code SOCAT_PEERADDR}) and logs each accept, with microseconds,
     * into {@code acceptLog} (read by {@link AcceptGaps}); returns once it accepts. A deep
     * accept queue: clients that waited through a restart come in a burst.
     */
    public HelperProcess startPeerAddressEcho(int port, Path acceptLog) throws IOException {
        HelperProcess p = start("peer-echo", "socat", "-d", "-d", "-lu", "-lf", acceptLog.toString(),
                "TCP-LISTEN:" + port + ",reuseaddr,fork,backlog=512", "SYSTEM:echo $SOCAT_PEERADDR");
        awaitTcp(p, port);
        return p;
    }

    private void awaitTcp(HelperProcess server, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException(server + " exited: " + server.lastLogLine());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address(), port), 1000);
                return;
            } catch (IOException e) {
                last = e;
            }
            sleep(20);
        }
        throw new IOException(server + " does not accept on " + address().getHostAddress() + ":" + port, last);
    }

    private void awaitBound(HelperProcess server, String proto, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException(server + " exited: " + server.lastLogLine());
            }
            String listening = run(enter(List.of("ss", "-Hln", "--" + proto)));
            if (listening.contains(":" + port + " ")) {
                return;
            }
            sleep(20);
        }
        throw new IOException(server + " did not bind " + proto + " port " + port);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops every server, deletes the veth pair and the namespace; safe to call twice. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        IOException failure = null;
        for (HelperProcess server : servers) {
            try {
                server.stop();
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        servers.clear();
        // Deleting one end of a veth pair deletes both; deleting the namespace would too, but
        // only once no process holds it, so the link goes first, explicitly. Either may be gone
        // already (a namespace whose last reference went away takes its veth with it).
        if (linkCreated && Files.exists(Path.of("/sys/class/net", hostLink))) {
            try {
                ip("link", "del", hostLink);
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        if (holder != null) {
            try {
                holder.stop();
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        // The name goes after the holder: the namespace itself ends with its last holder.
        if (nameAttached && Files.exists(Path.of("/run/netns", name))) {
            try {
                ip("netns", "del", name);
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        try (var logs = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) logs::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(logDir);
        } catch (IOException e) {
            failure = add(failure, e);
        }
        closed = true;
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** {@code ip ARGS} inside the namespace. */
    private void inside(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(enter(cmd));
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** Runs a short command; fails with its output when it exits non-zero. */
    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.trim());
        }
        return out;
    }
}
