package io.jnerd.cli.container;

import java.util.Locale;

/** One {@code -p [hostIP:]hostPort:containerPort[/proto]} mapping. */
public final class PortMapping {
    private final String hostIp;
    private final int hostPort;
    private final int containerPort;
    private final String protocol;

    public PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
        this.hostIp = hostIp;
        this.hostPort = hostPort;
        this.containerPort = containerPort;
        this.protocol = protocol;
    }

    public static PortMapping parse(String s) {
        String spec = s;
        String proto = "tcp";
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            proto = spec.substring(slash + 1).toLowerCase(Locale.ROOT);
            spec = spec.substring(0, slash);
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw new IllegalArgumentException("invalid port protocol in '" + s + "' (tcp or udp)");
            }
        }
        String hostIp = "0.0.0.0";
        int lastColon = spec.lastIndexOf(':');
        if (lastColon < 0) {
            int port = port(spec, s);
            return new PortMapping(hostIp, port, port, proto);
        }
        int containerPort = port(spec.substring(lastColon + 1), s);
        String rest = spec.substring(0, lastColon);
        int colon = rest.lastIndexOf(':');
        String hostPortText = rest;
        if (colon >= 0) {
            hostIp = rest.substring(0, colon);
            if (hostIp.startsWith("[") && hostIp.endsWith("]")) {
                hostIp = hostIp.substring(1, hostIp.length() - 1);
            }
            hostPortText = rest.substring(colon + 1);
        }
        int hostPort = hostPortText.isEmpty() ? 0 : port(hostPortText, s);
        return new PortMapping(hostIp, hostPort, containerPort, proto);
    }

    private static int port(String text, String whole) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid port '" + text + "' in '" + whole + "'");
    }

    public String hostIp() {
        return hostIp;
    }

    /** 0: any free port. */
    public int hostPort() {
        return hostPort;
    }

    public int containerPort() {
        return containerPort;
    }

    public String protocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return hostIp + ":" + hostPort + "->" + containerPort + "/" + protocol;
    }
}
