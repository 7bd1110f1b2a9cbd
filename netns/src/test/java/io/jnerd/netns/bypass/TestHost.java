package io.jnerd.netns.bypass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test-host network namespace (DESIGN.md, "The test network"): a veth pair with
 * 10.200.X.1/24 and fd00:200:X::1/64 on the host side, .2 and ::2 inside, and servers run
 * inside with socat: a TCP echo (IPv4 and IPv6) and a UDP echo. Needs root. Removed with
 * everything in it by {@link #close()}.
 */
final class TestHost implements AutoCloseable {

    static final int TCP_ECHO = 7000;
    static final int UDP_ECHO = 7001;
    static final int CLOSED_PORT = 7002;

    final String name;
    final int subnet;
    private final String hostVeth;
    private final List<Process> servers = new ArrayList<>();

    private TestHost(String name, int subnet, String hostVeth) {
        this.name = name;
        this.subnet = subnet;
        this.hostVeth = hostVeth;
    }

    static TestHost start() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        // 10.200.100-199.0/24: clear of the lower subnets other test suites use.
        int x = 100 + (int) (pid % 100);
        TestHost h = new TestHost("jnerd-bp" + pid, x, "jbph" + pid);
        try {
            String inner = "jbpn" + pid;
            run("ip", "netns", "add", h.name);
            run("ip", "link", "add", h.hostVeth, "type", "veth", "peer", "name", inner);
            run("ip", "link", "set", inner, "netns", h.name);
            run("ip", "addr", "add", "10.200." + x + ".1/24", "dev", h.hostVeth);
            run("ip", "addr", "add", "fd00:200:" + x + "::1/64", "dev", h.hostVeth, "nodad");
            run("ip", "link", "set", h.hostVeth, "up");
            run("ip", "-n", h.name, "addr", "add", "10.200." + x + ".2/24", "dev", inner);
            run("ip", "-n", h.name, "addr", "add", "fd00:200:" + x + "::2/64", "dev", inner, "nodad");
            run("ip", "-n", h.name, "link", "set", inner, "up");
            run("ip", "-n", h.name, "link", "set", "lo", "up");
            h.serve("TCP6-LISTEN:" + TCP_ECHO + ",fork,reuseaddr,backlog=2048", "PIPE");
            h.serve("UDP4-RECVFROM:" + UDP_ECHO + ",fork", "PIPE");
            h.awaitTcp(h.ipv4(), TCP_ECHO);
            return h;
        } catch (IOException | InterruptedException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    String ipv4() {
        return "10.200." + subnet + ".2";
    }

    String ipv6() {
        return "fd00:200:" + subnet + "::2";
    }

    /** An address in the subnet where nobody answers ARP: connects fail slowly with EHOSTUNREACH. */
    String unreachableIpv4() {
        return "10.200." + subnet + ".99";
    }

    private void serve(String listen, String action) throws IOException {
        servers.add(new ProcessBuilder("ip", "netns", "exec", name, "socat", listen, action)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
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
                Thread.sleep(50);
            }
        }
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : servers) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Deleting the namespace deletes the inner veth end, and with it the pair.
        for (String[] cmd : new String[][] {{"ip", "netns", "del", name}, {"ip", "link", "del", hostVeth}}) {
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // Best effort: the other command may still clean up.
            }
        }
    }
}
