package io.jnerd.netns.bypass;

import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;

/**
 * The netns module's {@link TestHostNamespace} with the servers the switch tests use: a
 * dual-stack TCP echo with a deep accept queue (the connect-rate test opens hundreds of
 * connections in a burst, more than socat's default backlog of 5 holds) and a UDP echo.
 * Needs root.
 */
final class TestHost implements AutoCloseable {

    static final int TCP_ECHO = 7000;
    static final int UDP_ECHO = 7001;
    static final int CLOSED_PORT = 7002;

    private final TestHostNamespace ns;

    private TestHost(TestHostNamespace ns) {
        this.ns = ns;
    }

    static TestHost start() throws IOException {
        TestHost h = new TestHost(TestHostNamespace.create());
        try {
            h.ns.start("tcp-echo", "socat", "TCP6-LISTEN:" + TCP_ECHO + ",ipv6only=0,reuseaddr,fork,backlog=2048", "PIPE");
            h.ns.startUdpEcho(UDP_ECHO);
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    TestHostNamespace namespace() {
        return ns;
    }

    String ipv4() {
        return IpLiteral.format(ns.address());
    }

    String ipv6() {
        return IpLiteral.format(ns.address6());
    }

    /** An address in the subnet where nobody answers ARP: connects fail slowly with EHOSTUNREACH. */
    String unreachableIpv4() {
        byte[] a = ns.address().getAddress();
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".99";
    }

    @Override
    public void close() throws IOException {
        ns.close();
    }
}
