package io.jnerd.netns.testhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.HttpProbe;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("privileged")
class TestHostNamespaceTest {

    @Test
    void serversAreReachableFromTheHostAndCloseRemovesEverything(@TempDir Path docroot) throws Exception {
        assumeTrue(Commands.isRoot(), "ip netns add needs root");
        Files.writeString(docroot.resolve("index.html"), "test host\n");
        String name;
        String hostLink;
        long httpdPid;
        try (TestHostNamespace th = TestHostNamespace.create(); TestHostNamespace other = TestHostNamespace.create()) {
            name = th.name();
            assertTrue(name.matches("jnerd-th-[0-9a-f]{6}"), name);
            assertNotEquals(th.subnet(), other.subnet(), "two test hosts get different subnets");
            assertTrue(th.subnet().contains(th.address()) && th.subnet().contains(th.hostAddress()));
            assertTrue(Commands.ok("ip", "netns", "list").contains(name));
            hostLink = Commands.ok("ip", "-o", "addr", "show", "to", th.hostAddress().getHostAddress()).split(":")[1].trim().split("\\s+")[0];
            assertTrue(hostLink.matches("jth[0-9a-f]{6}h"), hostLink);

            HelperProcess httpd = th.startHttpd(docroot, 8081);
            httpdPid = httpd.pid();
            assertEquals("test host\n", HttpProbe.get(new InetSocketAddress(th.address(), 8081), "/index.html"));

            th.startUdpEcho(7007);
            try (DatagramSocket udp = new DatagramSocket()) {
                udp.setSoTimeout(5000);
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(th.address6(), 7007)));
                DatagramPacket reply = new DatagramPacket(new byte[16], 16);
                udp.receive(reply);
                assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }

            th.startTcpEcho(7008);
            for (java.net.InetAddress a : new java.net.InetAddress[] {th.address(), th.address6()}) {
                try (Socket tcp = new Socket()) {
                    tcp.connect(new InetSocketAddress(a, 7008), 5000);
                    tcp.setSoTimeout(5000);
                    OutputStream out = tcp.getOutputStream();
                    out.write("echo\n".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = tcp.getInputStream();
                    assertEquals("echo\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII), a.toString());
                }
            }
            // Compared as addresses: for N = 0 the canonical text is fd00:200::2, not fd00:200:0::2.
            assertEquals(io.jnerd.netns.IpLiteral.parse("fd00:200:"
                    + Integer.toHexString(th.subnet().network().getAddress()[2] & 0xff) + "::2"), th.address6());

            th.startIperf3(5201);
            Commands.Result iperf = Commands.run("iperf3", "-c", th.address().getHostAddress(), "-p", "5201", "-t", "1", "-J");
            assertEquals(0, iperf.status(), iperf.output());
            assertTrue(iperf.output().contains("\"bits_per_second\""), iperf.output());
        }
        assertFalse(Commands.ok("ip", "netns", "list").contains(name), "the namespace is gone");
        assertFalse(Commands.ok("ip", "-o", "link").contains(hostLink + "@"), "the veth pair is gone");
        assertFalse(ProcessHandle.of(httpdPid).map(ProcessHandle::isAlive).orElse(false), "the servers are stopped");
    }

    @Test
    void serversStillStartWhenTheNameUnderRunNetnsVanished(@TempDir Path docroot) throws Exception {
        assumeTrue(Commands.isRoot(), "ip netns add needs root");
        Files.writeString(docroot.resolve("index.html"), "still here\n");
        String name;
        try (TestHostNamespace th = TestHostNamespace.create()) {
            name = th.name();
            // What another program unmounting /run/netns did to the entries of concurrent runs.
            Commands.ok("umount", "/run/netns/" + name);
            assertTrue(Commands.run("ip", "netns", "exec", name, "true").status() != 0, "the name no longer enters");

            th.startHttpd(docroot, 8082);
            assertEquals("still here\n", HttpProbe.get(new InetSocketAddress(th.address(), 8082), "/index.html"));
        }
        assertFalse(Files.exists(Path.of("/run/netns", name)), "the name is removed");
    }
}
