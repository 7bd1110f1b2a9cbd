package io.jnerd.bench.macro;

import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network every workload runs over (root only): the test-host namespace with its
 * servers (iperf3, the netbench acceptor, redis) and the veth reference namespace, whose
 * veth pair ends in the test host, so the reference and the host baseline both cross
 * exactly one veth pair and the host's own routing and sysctls stay untouched.
 */
final class TestBed implements AutoCloseable {
    static final int IPERF_PORT = 5201;
    /** One acceptor: the server of a single connecting thread (see netbench.c, accept_loop). */
    static final int ACCEPT_PORT = 5300;
    /** An acceptor per CPU: the server of several connecting threads at once. */
    static final int ACCEPT_MANY_PORT = 5301;
    static final int REDIS_PORT = 6379;

    private final TestHostNamespace testHost;
    private final ReferenceNamespace reference;
    private final Path netbench;
    private final List<HelperProcess> servers = new ArrayList<>();
    private HelperProcess iperf3;

    private TestBed(TestHostNamespace testHost, ReferenceNamespace reference, Path netbench) {
        this.testHost = testHost;
        this.reference = reference;
        this.netbench = netbench;
    }

    static TestBed create(Path netbench) throws IOException {
        TestHostNamespace th = TestHostNamespace.create();
        ReferenceNamespace ref = null;
        try {
            ref = ReferenceNamespace.create(th.name(), referenceSubnet(th));
            TestBed bed = new TestBed(th, ref, netbench);
            bed.startServers();
            return bed;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ref, e);
            closeQuietly(th, e);
            throw e;
        }
    }

    /** 10.201.N.0/24 for the test host's 10.200.N.0/24: neither end is in the host's namespace. */
    private static int referenceSubnet(TestHostNamespace th) {
        return th.address().getAddress()[2] & 0xff;
    }

    private void startServers() throws IOException {
        // Inside the test host 0.0.0.0 means its two links only: the host's veth and the reference's.
        iperf3 = testHost.start("iperf3", "iperf3", "-s", "-p", Integer.toString(IPERF_PORT));
        servers.add(iperf3);
        servers.add(testHost.start("netbench", netbench.toString(), "accept", "0.0.0.0", Integer.toString(ACCEPT_PORT)));
        servers.add(testHost.start("netbench", netbench.toString(), "accept", "0.0.0.0", Integer.toString(ACCEPT_MANY_PORT),
                Integer.toString(Math.min(64, Runtime.getRuntime().availableProcessors()))));
        servers.add(testHost.start("redis", "redis-server", "--bind", "0.0.0.0", "--port", Integer.toString(REDIS_PORT),
                "--protected-mode", "no", "--save", "", "--appendonly", "no"));
        for (int port : new int[] {IPERF_PORT, ACCEPT_PORT, ACCEPT_MANY_PORT, REDIS_PORT}) {
            awaitAccepting(new InetSocketAddress(testHost.address(), port), servers);
        }
    }

    TestHostNamespace testHost() {
        return testHost;
    }

    ReferenceNamespace reference() {
        return reference;
    }

    /** Runs a client inside the test host (the outside of host→container workloads). */
    String execInTestHost(List<String> command, Duration timeout) throws IOException {
        // The iperf3 server lives in the test host for the whole run: enter through it (see
        // ReferenceNamespace#wrap for why not by name).
        return Commands.run(ReferenceNamespace.enter(iperf3.pid(), command), timeout);
    }

    /** Polls until {@code address} accepts a TCP connection, failing early when a server died. */
    static void awaitAccepting(InetSocketAddress address, List<HelperProcess> watched) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            for (HelperProcess p : watched) {
                if (!p.isAlive()) {
                    throw new IOException(p + " exited: " + p.lastLogLine());
                }
            }
            try (Socket s = new Socket()) {
                s.connect(address, 500);
                return;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + address, e);
            }
        }
        throw new IOException("nothing accepts on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        servers.clear(); // the test host stops its own servers
        for (AutoCloseable c : new AutoCloseable[] {reference, testHost}) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable c, Exception into) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            into.addSuppressed(e);
        }
    }
}
