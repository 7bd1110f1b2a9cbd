package io.jnerd.nativebindings;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A socket address as the kernel spells it (struct sockaddr_in, sockaddr_in6, sockaddr_un),
 * encoded to and decoded from bytes in pure Java. sa_family is in native byte order; ports,
 * IPv4/IPv6 addresses and the IPv6 flow label are in network order.
 *
 * <p>An IPv6 address stays an {@link Inet6Address} even when it is IPv4-mapped
 * ({@code ::ffff:a.b.c.d}), so the family the program asked for is kept;
 * {@link #isV4Mapped()} and {@link #unmappedAddress()} tell what it reaches.
 */
public final class SockAddr {

    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;

    static final int SIZEOF_SOCKADDR_IN = 16;
    static final int SIZEOF_SOCKADDR_IN6 = 28;
    /** offsetof(struct sockaddr_un, sun_path) + the 108 bytes of sun_path. */
    public static final int SIZEOF_SOCKADDR_UN = 110;
    /** offsetof(struct sockaddr_un, sun_path). */
    public static final int SUN_PATH_OFFSET = 2;
    /** struct sockaddr_nl (linux/netlink.h): family, pad, u32 nl_pid at 4, u32 nl_groups at 8. */
    public static final int NL_GROUPS_OFFSET = 8;
    /** sizeof(sun_path): a path has room for one byte less (its terminating NUL). */
    public static final int SUN_PATH_MAX = SIZEOF_SOCKADDR_UN - SUN_PATH_OFFSET;
    /** sizeof(struct sockaddr_storage): no address the kernel gives is longer. */
    public static final int MAX_SIZE = 128;

    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final int family;
    private final InetAddress address;
    private final int port;
    private final int flowInfo;
    private final byte[] unixName;
    private final boolean abstractName;
    /** An address passed on as given ({@link #opaque}), else null. */
    private final byte[] opaque;

    private SockAddr(int family, InetAddress address, int port, int flowInfo, byte[] unixName, boolean abstractName) {
        this(family, address, port, flowInfo, unixName, abstractName, null);
    }

    private SockAddr(int family, InetAddress address, int port, int flowInfo, byte[] unixName, boolean abstractName,
            byte[] opaque) {
        this.family = family;
        this.address = address;
        this.port = port;
        this.flowInfo = flowInfo;
        this.unixName = unixName;
        this.abstractName = abstractName;
        this.opaque = opaque;
    }

    /**
     * Bytes handed to the kernel exactly as given, whatever their family (AF_NETLINK,
     * AF_PACKET, AF_UNSPEC, a short sockaddr): for a call made on another process's behalf
     * with the address it gave, where the kernel, not jnerd, judges the bytes. Not for an
     * AF_UNIX path, which the kernel would resolve in the caller's mount namespace.
     */
    public static SockAddr opaque(byte[] encoded) {
        if (encoded.length > MAX_SIZE) {
            throw new IllegalArgumentException("sockaddr of " + encoded.length + " bytes, at most " + MAX_SIZE);
        }
        return new SockAddr(familyOf(encoded, encoded.length), null, 0, 0, null, false, encoded.clone());
    }

    /** AF_INET for an {@link Inet4Address}, AF_INET6 (with its scope id) for an {@link Inet6Address}. */
    public static SockAddr inet(InetAddress address, int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is outside 0-65535");
        }
        int family = address instanceof Inet4Address ? AF_INET : AF_INET6;
        return new SockAddr(family, address, port, 0, null, false);
    }

    /** An AF_INET6 address for {@code ::ffff:a.b.c.d}, the way a dual-stack socket sees IPv4 peers. */
    public static SockAddr v4Mapped(Inet4Address address, int port) {
        byte[] mapped = Arrays.copyOf(V4_MAPPED_PREFIX, 16);
        System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
        return inet(inet6(mapped, 0), port);
    }

    /** A filesystem AF_UNIX address. */
    public static SockAddr unix(String path) {
        return unix(path.getBytes(StandardCharsets.UTF_8));
    }

    /** A filesystem AF_UNIX address of a path given as bytes (a process's, not necessarily UTF-8). */
    public static SockAddr unix(byte[] path) {
        byte[] name = path.clone();
        String shown = new String(name, StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("unix socket path must have 1 to " + (SUN_PATH_MAX - 1)
                    + " bytes, '" + shown + "' has " + name.length);
        }
        if (indexOfNul(name, name.length) >= 0) {
            throw new IllegalArgumentException("unix socket path contains a NUL byte: '" + shown + "'");
        }
        return new SockAddr(AF_UNIX, null, 0, 0, name, false);
    }

    /** An abstract AF_UNIX address: no file, a leading NUL, then these bytes (any bytes). */
    public static SockAddr abstractUnix(byte[] name) {
        if (name.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("abstract unix name must have at most " + (SUN_PATH_MAX - 1)
                    + " bytes, has " + name.length);
        }
        return new SockAddr(AF_UNIX, null, 0, 0, name.clone(), true);
    }

    public static SockAddr abstractUnix(String name) {
        return abstractUnix(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The family of an encoded address, without decoding the rest (0 if shorter than sa_family). */
    public static int familyOf(byte[] encoded, int length) {
        if (length < Short.BYTES) {
            return AF_UNSPEC;
        }
        return Short.toUnsignedInt(ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder()).getShort(0));
    }

    /**
     * Decodes {@code length} bytes as the kernel hands them over (the length is part of the
     * address for AF_UNIX: abstract names are not NUL-terminated).
     *
     * @throws IllegalArgumentException for an unknown family or a length too short for it
     */
    public static SockAddr decode(byte[] encoded, int length) {
        if (length < 0 || length > encoded.length) {
            throw new IllegalArgumentException("sockaddr length " + length + " but " + encoded.length + " bytes given");
        }
        ByteBuffer b = ByteBuffer.wrap(encoded, 0, length).order(ByteOrder.nativeOrder());
        int family = familyOf(encoded, length);
        switch (family) {
            case AF_INET: {
                requireLength(length, SIZEOF_SOCKADDR_IN, "AF_INET");
                byte[] a = new byte[4];
                b.get(4, a);
                return new SockAddr(AF_INET, inet4(a), portAt(b), 0, null, false);
            }
            case AF_INET6: {
                requireLength(length, SIZEOF_SOCKADDR_IN6, "AF_INET6");
                byte[] a = new byte[16];
                b.get(8, a);
                int flow = b.order(ByteOrder.BIG_ENDIAN).getInt(4);
                int scope = b.order(ByteOrder.nativeOrder()).getInt(24);
                return new SockAddr(AF_INET6, inet6(a, scope), portAt(b), flow, null, false);
            }
            case AF_UNIX:
                return decodeUnix(encoded, length);
            default:
                throw new IllegalArgumentException("unsupported address family " + family
                        + " (jnerd decodes AF_INET, AF_INET6, AF_UNIX)");
        }
    }

    private static SockAddr decodeUnix(byte[] encoded, int length) {
        requireLength(length, SUN_PATH_OFFSET, "AF_UNIX");
        if (length > SIZEOF_SOCKADDR_UN) {
            throw new IllegalArgumentException("AF_UNIX address of " + length + " bytes, at most "
                    + SIZEOF_SOCKADDR_UN + " expected");
        }
        if (length == SUN_PATH_OFFSET) {
            // An unbound ("unnamed") unix socket: getsockname gives just the family.
            return new SockAddr(AF_UNIX, null, 0, 0, new byte[0], false);
        }
        if (encoded[SUN_PATH_OFFSET] == 0) {
            return new SockAddr(AF_UNIX, null, 0, 0,
                    Arrays.copyOfRange(encoded, SUN_PATH_OFFSET + 1, length), true);
        }
        byte[] path = Arrays.copyOfRange(encoded, SUN_PATH_OFFSET, length);
        int nul = indexOfNul(path, path.length);
        return new SockAddr(AF_UNIX, null, 0, 0, nul < 0 ? path : Arrays.copyOf(path, nul), false);
    }

    /** The bytes to hand to the kernel; their length is the addrlen argument. */
    public byte[] encode() {
        if (opaque != null) {
            return opaque.clone();
        }
        ByteBuffer b;
        switch (family) {
            case AF_INET:
                b = ByteBuffer.allocate(SIZEOF_SOCKADDR_IN).order(ByteOrder.nativeOrder());
                b.putShort(0, (short) AF_INET);
                b.put(4, address.getAddress());
                break;
            case AF_INET6:
                b = ByteBuffer.allocate(SIZEOF_SOCKADDR_IN6).order(ByteOrder.nativeOrder());
                b.putShort(0, (short) AF_INET6);
                b.order(ByteOrder.BIG_ENDIAN).putInt(4, flowInfo).order(ByteOrder.nativeOrder());
                b.put(8, address.getAddress());
                b.putInt(24, ((Inet6Address) address).getScopeId());
                break;
            default:
                return encodeUnix();
        }
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        return b.array();
    }

    private byte[] encodeUnix() {
        // A path is NUL-terminated; an abstract name is exactly as long as the length says.
        int nameStart = SUN_PATH_OFFSET + (abstractName ? 1 : 0);
        int length = nameStart + unixName.length + (abstractName || unixName.length == 0 ? 0 : 1);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) AF_UNIX);
        b.put(nameStart, unixName);
        return b.array();
    }

    public int family() {
        return family;
    }

    /** The IP address (AF_INET, AF_INET6); null for AF_UNIX. */
    public InetAddress address() {
        return address;
    }

    /** The port (AF_INET, AF_INET6), 0 for AF_UNIX. */
    public int port() {
        return port;
    }

    public boolean isInet() {
        return opaque == null && (family == AF_INET || family == AF_INET6);
    }

    /** Whether this is an AF_INET6 address of the form {@code ::ffff:a.b.c.d}. */
    public boolean isV4Mapped() {
        if (family != AF_INET6) {
            return false;
        }
        byte[] a = address.getAddress();
        return Arrays.equals(a, 0, 12, V4_MAPPED_PREFIX, 0, 12);
    }

    /** The IPv4 address a v4-mapped address reaches; otherwise {@link #address()}. */
    public InetAddress unmappedAddress() {
        return isV4Mapped() ? inet4(Arrays.copyOfRange(address.getAddress(), 12, 16)) : address;
    }

    /** AF_INET/AF_INET6 as a JDK socket address (v4-mapped stays IPv6). */
    public InetSocketAddress toInetSocketAddress() {
        if (!isInet()) {
            throw new IllegalStateException(this + " is not an IP address");
        }
        return new InetSocketAddress(address, port);
    }

    /** Whether this is an abstract AF_UNIX name. */
    public boolean isAbstract() {
        return abstractName;
    }

    /** The AF_UNIX path or abstract name as the bytes given (a path without its NUL). */
    public byte[] unixName() {
        if (family != AF_UNIX || opaque != null) {
            throw new IllegalStateException(this + " is not a decoded AF_UNIX address");
        }
        return unixName.clone();
    }

    /** The AF_UNIX path or abstract name as UTF-8 text ("" for an unnamed socket). */
    public String unixPath() {
        if (family != AF_UNIX || opaque != null) {
            throw new IllegalStateException(this + " is not an AF_UNIX address");
        }
        return new String(unixName, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SockAddr)) {
            return false;
        }
        SockAddr s = (SockAddr) o;
        return family == s.family && port == s.port && flowInfo == s.flowInfo && abstractName == s.abstractName
                && java.util.Objects.equals(address, s.address) && Arrays.equals(unixName, s.unixName)
                && Arrays.equals(opaque, s.opaque);
    }

    @Override
    public int hashCode() {
        return (java.util.Objects.hash(family, address, port, abstractName) * 31 + Arrays.hashCode(unixName)) * 31
                + Arrays.hashCode(opaque);
    }

    @Override
    public String toString() {
        if (opaque != null) {
            return "family " + family + " (" + opaque.length + " bytes as given)";
        }
        switch (family) {
            case AF_INET:
                return address.getHostAddress() + ":" + port;
            case AF_INET6:
                return "[" + address.getHostAddress() + "]:" + port;
            default:
                if (unixName.length == 0) {
                    return "unix:(unnamed)";
                }
                return "unix:" + (abstractName ? "@" : "") + unixPath();
        }
    }

    private static int portAt(ByteBuffer b) {
        return Short.toUnsignedInt(b.order(ByteOrder.BIG_ENDIAN).getShort(2));
    }

    private static void requireLength(int length, int needed, String family) {
        if (length < needed) {
            throw new IllegalArgumentException(family + " address of " + length + " bytes, " + needed + " needed");
        }
    }

    private static int indexOfNul(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static InetAddress inet4(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }

    private static Inet6Address inet6(byte[] a, int scopeId) {
        try {
            // Unlike InetAddress.getByAddress this keeps ::ffff:a.b.c.d an Inet6Address.
            return Inet6Address.getByAddress(null, a, scopeId);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an IPv6 address", e);
        }
    }
}
