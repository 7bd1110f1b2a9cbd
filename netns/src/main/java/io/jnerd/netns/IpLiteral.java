package io.jnerd.netns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever asking DNS: {@link InetAddress#getByName} resolves
 * anything that is not a literal, so the text is checked here first.
 */
public final class IpLiteral {

    private IpLiteral() {}

    /**
     * An IPv4 dotted quad or an IPv6 literal (brackets allowed). An IPv4-mapped IPv6 literal
     * ({@code ::ffff:10.0.0.1}) comes back as the {@code Inet4Address}, as the JDK does for
     * every mapped address, so one rule covers both spellings.
     *
     * @throws IllegalArgumentException naming the text when it is not an IP literal
     */
    public static InetAddress parse(String text) {
        String s = text;
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') >= 0) {
            return parseIpv6(text, s);
        }
        return parseIpv4(text, s);
    }

    private static InetAddress parseIpv4(String original, String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(original);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            // A leading zero is octal to inet_aton but decimal to Go and Java: refuse both readings.
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw notAnAddress(original);
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw notAnAddress(original);
            }
            bytes[i] = (byte) value;
        }
        return byAddress(original, bytes);
    }

    private static InetAddress parseIpv6(String original, String s) {
        // Only hex digits, ':' and the dots of an embedded IPv4 tail; no zone ("%eth0").
        boolean plausible = s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (!plausible) {
            throw notAnAddress(original);
        }
        try {
            return InetAddress.getByName("[" + s + "]");
        } catch (UnknownHostException e) {
            throw notAnAddress(original);
        }
    }

    private static InetAddress byAddress(String original, byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw notAnAddress(original);
        }
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }

    /**
     * The canonical text of an address (RFC 5952 for IPv6: lower case, the longest run of two
     * or more zero groups as "::"), where the JDK writes every group ("fd00:0:0:0:0:0:0:1").
     */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
