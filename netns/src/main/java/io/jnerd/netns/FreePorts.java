package io.jnerd.netns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Chooses a host port for {@code -p CONTAINERPORT} (docker: any free port). The drivers need
 * a number up front (slirp4netns rejects host_port 0), so the kernel picks one for a socket
 * that is closed right away; another process could take it before the driver binds it, in
 * which case publishing fails with the driver's "address in use" error.
 */
public final class FreePorts {

    private FreePorts() {}

    public static PortMapping resolve(PortMapping mapping) throws IOException {
        if (mapping.hostPort() != 0) {
            return mapping;
        }
        InetAddress ip = mapping.hostIp().orElse(InetAddress.getByAddress(new byte[4]));
        try (NetworkChannel ch = mapping.protocol() == Protocol.TCP ? ServerSocketChannel.open() : DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(ip, 0));
            return mapping.withHostPort(((InetSocketAddress) ch.getLocalAddress()).getPort());
        }
    }
}
