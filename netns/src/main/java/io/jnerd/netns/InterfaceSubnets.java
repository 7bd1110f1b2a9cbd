package io.jnerd.netns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The subnets directly attached to a process's network namespace, read from
 * {@code /proc/PID/net/route} and {@code /proc/PID/net/if_inet6}. Those files show the
 * namespace of PID (not of the reader), so no helper process has to enter it; the reader
 * needs ptrace-read access to PID, which the container's owner has.
 */
public final class InterfaceSubnets {

    private InterfaceSubnets() {}

    /** IPv4 on-link routes and IPv6 interface prefixes of every interface but {@code lo}. */
    public static List<Cidr> of(long pid) throws IOException {
        Path net = Path.of("/proc", Long.toString(pid), "net");
        Set<Cidr> out = new LinkedHashSet<>(parseIpv4Routes(Files.readString(net.resolve("route")), ByteOrder.nativeOrder()));
        Path inet6 = net.resolve("if_inet6");
        // The file is absent when IPv6 is disabled (ipv6.disable=1).
        if (Files.exists(inet6)) {
            out.addAll(parseIpv6Addresses(Files.readString(inet6)));
        }
        return List.copyOf(out);
    }

    /**
     * Lines of {@code Iface Destination Gateway Flags RefCnt Use Metric Mask ...}, addresses
     * as hex of the 32-bit value in host byte order. An on-link route has gateway 0.
     */
    static List<Cidr> parseIpv4Routes(String text, ByteOrder order) {
        List<Cidr> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 8 || f[0].equals("lo")) {
                continue;
            }
            int destination = (int) Long.parseLong(f[1], 16);
            int gateway = (int) Long.parseLong(f[2], 16);
            int mask = (int) Long.parseLong(f[7], 16);
            if (gateway != 0 || mask == 0) {
                continue;
            }
            if (order == ByteOrder.LITTLE_ENDIAN) {
                destination = Integer.reverseBytes(destination);
                mask = Integer.reverseBytes(mask);
            }
            out.add(Cidr.of(ipv4(destination), Integer.bitCount(mask)));
        }
        return out;
    }

    /** Lines of {@code ADDRESS(32 hex) IFINDEX PREFIXLEN SCOPE FLAGS NAME}, numbers in hex. */
    static List<Cidr> parseIpv6Addresses(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[5].equals("lo") || f[0].length() != 32) {
                continue;
            }
            byte[] address = new byte[16];
            for (int i = 0; i < 16; i++) {
                address[i] = (byte) Integer.parseInt(f[0].substring(2 * i, 2 * i + 2), 16);
            }
            try {
                out.add(Cidr.of(InetAddress.getByAddress(address), Integer.parseInt(f[2], 16)));
            } catch (UnknownHostException e) {
                throw new AssertionError("16 bytes are always an address", e);
            }
        }
        return out;
    }

    private static InetAddress ipv4(int value) {
        try {
            return InetAddress.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an address", e);
        }
    }
}
