package io.jnerd.netns.bypass;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a container must never reach: a TCP and a UDP listener on the host's 127.0.0.1
 * (ephemeral ports), counting accepted connections, bytes and datagrams. The escape tests
 * assert all of them stay 0. Closed with the test; its threads end with their sockets.
 */
final class LoopbackListeners implements AutoCloseable {

    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final AtomicLong accepts = new AtomicLong();
    private final AtomicLong tcpBytes = new AtomicLong();
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong udpBytes = new AtomicLong();

    private LoopbackListeners(ServerSocket tcp, DatagramSocket udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    static LoopbackListeners start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerSocket tcp = new ServerSocket(0, 256, loopback);
        DatagramSocket udp;
        try {
            udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
        } catch (IOException e) {
            tcp.close();
            throw e;
        }
        LoopbackListeners l = new LoopbackListeners(tcp, udp);
        daemon("escape-tcp-listener", l::acceptLoop);
        daemon("escape-udp-listener", l::receiveLoop);
        return l;
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    int tcpPort() {
        return tcp.getLocalPort();
    }

    int udpPort() {
        return udp.getLocalPort();
    }

    /** "accepts=A tcpBytes=B datagrams=D udpBytes=U": all 0 when nothing escaped. */
    String counts() {
        return "accepts=" + accepts.get() + " tcpBytes=" + tcpBytes.get() + " datagrams=" + datagrams.get()
                + " udpBytes=" + udpBytes.get();
    }

    boolean reachedNothing() {
        return accepts.get() == 0 && tcpBytes.get() == 0 && datagrams.get() == 0 && udpBytes.get() == 0;
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                accepts.incrementAndGet();
                daemon("escape-tcp-reader", () -> drain(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void drain(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            s.setSoTimeout(10_000);
            byte[] b = new byte[4096];
            for (int n; (n = in.read(b)) > 0; ) {
                tcpBytes.addAndGet(n);
            }
        } catch (IOException endedOrTimedOut) {
            // counted what came
        }
    }

    private void receiveLoop() {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        while (!udp.isClosed()) {
            try {
                udp.receive(p);
                datagrams.incrementAndGet();
                udpBytes.addAndGet(p.getLength());
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a receive error (ICMP) counts nothing; go on
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            tcp.close();
        } finally {
            udp.close();
        }
    }
}
