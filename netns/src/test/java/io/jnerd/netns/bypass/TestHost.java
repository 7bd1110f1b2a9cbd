package io.jnerd.netns.bypass;

import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The netns module's {@link TestHostNamespace} with what the switch tests need on top: IPv6
 * on the veth pair (fd00:200:N::1/64 on the host side, ::2 inside, no DAD so they work at
 * once), a dual-stack TCP echo with a deep accept queue (the connect-rate test opens
 * hundreds of connections in a burst) and a UDP echo. Needs root.
 */
final class TestHost implements AutoCloseable {

    static final int TCP_ECHO = 7000;
    static final int UDP_ECHO = 7001;
    static final int CLOSED_PORT = 7002;

    private final TestHostNamespace ns;
    private final int subnet;

    private TestHost(TestHostNamespace ns) {
        this.ns = ns;
        this.subnet = ns.address().getAddress()[2] & 0xff;
    }

    static TestHost start() throws IOException, InterruptedException {
        TestHost h = new TestHost(TestHostNamespace.create());
        try {
            run("ip", "addr", "add", "fd00:200:" + h.subnet + "::1/64", "dev", h.hostLink(), "nodad");
            run("ip", "-n", h.ns.name(), "addr", "add", h.ipv6() + "/64", "dev", h.innerLink(), "nodad");
            h.ns.start("tcp-echo", "socat", "TCP6-LISTEN:" + TCP_ECHO + ",fork,reuseaddr,backlog=2048", "PIPE");
            h.ns.startUdpEcho(UDP_ECHO);
            h.awaitTcp(h.ipv4(), TCP_ECHO);
            return h;
        } catch (IOException | InterruptedException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** busybox httpd in the test host serving {@code docroot} on port {@code port}. */
    void startHttpd(java.nio.file.Path docroot, int port) throws IOException {
        ns.startHttpd(docroot, port);
    }

    String ipv4() {
        return ns.address().getHostAddress();
    }

    String ipv6() {
        return "fd00:200:" + subnet + "::2";
    }

    /** An address in the subnet where nobody answers ARP: connects fail slowly with EHOSTUNREACH. */
    String unreachableIpv4() {
        return "10.200." + subnet + ".99";
    }

    /** The host-side veth: the link that has the namespace's host address. */
    private String hostLink() throws IOException, InterruptedException {
        return firstField(run("ip", "-o", "addr", "show", "to", ns.hostAddress().getHostAddress()), 1);
    }

    /** The inner veth: the namespace's link that has its address. */
    private String innerLink() throws IOException, InterruptedException {
        return firstField(run("ip", "-n", ns.name(), "-o", "addr", "show", "to", ipv4()), 1);
    }

    /** Field {@code i} of "N: NAME inet ..." (a peer suffix "@ifN" cut off). */
    private static String firstField(String line, int i) throws IOException {
        String[] f = line.trim().split("\\s+");
        if (f.length <= i) {
            throw new IOException("unexpected ip output: " + line);
        }
        int at = f[i].indexOf('@');
        return at < 0 ? f[i] : f[i].substring(0, at);
    }

    private void awaitTcp(String ip, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("test-host echo server on " + ip + ":" + port + " did not start", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        ns.close();
    }
}
