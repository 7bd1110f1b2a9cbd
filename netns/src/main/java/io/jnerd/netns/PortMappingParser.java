package io.jnerd.netns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * docker's {@code -p} grammar: {@code [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]}, where IP may be
 * an IPv6 literal in brackets, HOSTPORT may be empty ({@code IP::80}: any free port), and both
 * ports may be ranges of equal length ({@code 8000-8001:80-81}), which expand to one mapping
 * per port. A lone CONTAINERPORT publishes on any free host port, as docker does.
 */
public final class PortMappingParser {

    private PortMappingParser() {}

    /** @throws IllegalArgumentException one line: the whole value and the part that is wrong */
    public static List<PortMapping> parse(String spec) {
        try {
            return parseOrThrow(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid port mapping \"" + spec + "\": " + e.getMessage());
        }
    }

    private static List<PortMapping> parseOrThrow(String spec) {
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        String rest = spec;
        Protocol protocol = Protocol.TCP;
        int slash = rest.lastIndexOf('/');
        if (slash >= 0) {
            protocol = Protocol.parse(rest.substring(slash + 1));
            rest = rest.substring(0, slash);
        }

        InetAddress hostIp = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("a bracketed IPv6 address must be followed by ':'");
            }
            hostIp = IpLiteral.parse(rest.substring(1, close));
            rest = rest.substring(close + 2);
        }
        String[] parts = rest.split(":", -1);
        String hostPortText;
        String containerPortText;
        if (hostIp != null) {
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected [IP]:HOSTPORT:CONTAINERPORT");
            }
            hostPortText = parts[0];
            containerPortText = parts[1];
        } else {
            switch (parts.length) {
                case 1:
                    hostPortText = "";
                    containerPortText = parts[0];
                    break;
                case 2:
                    hostPortText = parts[0];
                    containerPortText = parts[1];
                    break;
                case 3:
                    hostIp = parseHostIp(parts[0]);
                    hostPortText = parts[1];
                    containerPortText = parts[2];
                    break;
                default:
                    throw new IllegalArgumentException("too many ':' (write an IPv6 address as [ADDR])");
            }
        }

        int[] container = range(containerPortText, "container port", false);
        if (hostPortText.isEmpty()) {
            List<PortMapping> out = new ArrayList<>();
            for (int port = container[0]; port <= container[1]; port++) {
                out.add(new PortMapping(hostIp, 0, port, protocol));
            }
            return out;
        }
        int[] host = range(hostPortText, "host port", true);
        int hostCount = host[1] - host[0] + 1;
        int containerCount = container[1] - container[0] + 1;
        if (hostCount != containerCount) {
            throw new IllegalArgumentException("host port range " + hostPortText + " and container port range "
                    + containerPortText + " differ in length");
        }
        List<PortMapping> out = new ArrayList<>();
        for (int i = 0; i < containerCount; i++) {
            out.add(new PortMapping(hostIp, host[0] + i, container[0] + i, protocol));
        }
        return out;
    }

    private static InetAddress parseHostIp(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return IpLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host IP \"" + text + "\" is not an IP address");
        }
    }

    /** "80" or "80-90", as {first, last}. */
    private static int[] range(String text, String what, boolean zeroAllowed) {
        int dash = text.indexOf('-');
        int first = port(dash < 0 ? text : text.substring(0, dash), what, zeroAllowed);
        int last = dash < 0 ? first : port(text.substring(dash + 1), what, zeroAllowed);
        if (last < first) {
            throw new IllegalArgumentException(what + " range \"" + text + "\" ends before it starts");
        }
        return new int[] {first, last};
    }

    private static int port(String text, String what, boolean zeroAllowed) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(what + " \"" + text + "\" is not a number");
        }
        int port = Integer.parseInt(text);
        if (port > 65535 || (port == 0 && !zeroAllowed)) {
            throw new IllegalArgumentException(what + " " + port + " is not in " + (zeroAllowed ? 0 : 1) + "..65535");
        }
        return port;
    }
}
