package io.jnerd.nativebindings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sockets and plain fd calls on descriptors jnerd owns, including ones taken from another
 * process with {@link Pidfd#getFd}. The values are those of asm-generic/socket.h and
 * linux/in.h, shared by x86_64 and aarch64.
 *
 * <p>EAGAIN on a non-blocking fd is a value (null or -1), and {@link #tryConnect} gives
 * every connect errno back as a value, because a bypass handler answers it to the
 * container as it is.
 */
public final class Sockets {

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK;
    public static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    /** The type bits of SO_TYPE / socket()'s type argument, without the flags. */
    public static final int SOCK_TYPE_MASK = 0xf;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_PRIORITY = 12;
    /** The receiver gets each sender's pid, uid and gid as SCM_CREDENTIALS (AF_UNIX). */
    public static final int SO_PASSCRED = 16;
    public static final int SO_LINGER = 13;
    /** struct ucred {pid, uid, gid} of the peer of an AF_UNIX socket. */
    public static final int SO_PEERCRED = 17;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVTIMEO = 20;
    /** 1 when the socket listens (listen(2) was called on it). */
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_PROTOCOL = 38;
    public static final int SO_DOMAIN = 39;
    /** The socket's own cookie, unique among the sockets since boot (Linux 4.13). */
    public static final int SO_COOKIE = 57;
    /** The cookie of the socket's network namespace (Linux 5.14). */
    public static final int SO_NETNS_COOKIE = 71;
    /**
     * u32 sk_meminfo[SK_MEMINFO_VARS] (Linux 4.12, linux/sock_diag.h): among them the values
     * SO_RCVBUF and SO_SNDBUF read, at {@link #SK_MEMINFO_RCVBUF} and {@link #SK_MEMINFO_SNDBUF}.
     */
    public static final int SO_MEMINFO = 55;
    public static final int SK_MEMINFO_RCVBUF = 1;
    public static final int SK_MEMINFO_SNDBUF = 3;
    /** SK_MEMINFO_VARS (9 since Linux 4.12) u32 values. */
    public static final int SK_MEMINFO_SIZE = 9 * Integer.BYTES;

    /** Protocol numbers (linux/in.h), also the option and cmsg levels (SOL_IP, SOL_TCP, SOL_UDP, SOL_IPV6). */
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    /** Options and cmsg types at IPPROTO_IP (linux/in.h). */
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    public static final int IP_PKTINFO = 8;
    /** Options and cmsg types at IPPROTO_IPV6 (linux/in6.h). */
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int IPV6_DONTFRAG = 62;
    public static final int IPV6_TCLASS = 67;
    /** Options at IPPROTO_TCP (linux/tcp.h). */
    public static final int TCP_NODELAY = 1;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    /** struct tcp_info, whose first byte is the state. */
    private static final int TCP_INFO = 11;
    public static final int TCP_USER_TIMEOUT = 18;
    /** TCP states as TCP_INFO reports them (net/tcp_states.h). */
    public static final byte TCP_ESTABLISHED = 1;
    /** Established, and the peer's FIN came already. */
    public static final byte TCP_CLOSE_WAIT = 8;
    /** UDP GSO segment size, an option and a cmsg type at IPPROTO_UDP (linux/udp.h, Linux 4.18). */
    public static final int UDP_SEGMENT = 103;

    /** send flags (linux/socket.h). */
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    /** Linux 4.14; UDP since 5.0. */
    public static final int MSG_ZEROCOPY = 0x4000000;
    public static final int MSG_FASTOPEN = 0x20000000;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    /** FIONREAD (SIOCINQ for sockets), the same number on x86_64 and aarch64. */
    static final long FIONREAD = 0x541B;

    /** SO_SNDTIMEO/SO_RCVTIMEO as struct timeval {tv_sec, tv_usec} of the 64-bit ABI (SO_*TIMEO_OLD). */
    private static final int TIMEVAL_SIZE = 16;

    /** Room for one int option value, then the socklen_t. */
    private static final int OPTLEN_AT = 8;

    private Sockets() {}

    public static Fd socket(int domain, int type, int protocol) throws SyscallException {
        long r = Sys.call(SysNr.SOCKET, domain, type, protocol);
        if (r < 0) {
            throw new SyscallException("socket", (int) -r, "domain " + domain + " type " + type + " protocol " + protocol);
        }
        return Fd.adopt((int) r);
    }

    /** socketpair(2): two connected sockets, returned as {@code [0]} and {@code [1]}. */
    public static Fd[] socketpair(int domain, int type, int protocol) throws SyscallException {
        NativeBuffer b = Scratch.get(2 * Integer.BYTES);
        Sys.check(Sys.call(SysNr.SOCKETPAIR, domain, type, protocol, b.address()), "socketpair",
                "domain " + domain + " type " + type);
        return new Fd[] {Fd.adopt(b.buffer().getInt(0)), Fd.adopt(b.buffer().getInt(4))};
    }

    public static void bind(Fd socket, SockAddr address) throws SyscallException {
        long r = withAddress(SysNr.BIND, socket, address);
        if (r < 0) {
            throw new SyscallException("bind", (int) -r, socket + " to " + address);
        }
    }

    /**
     * connect(2), with every failure as a value: 0 when connected, else the errno
     * (EINPROGRESS on a non-blocking socket, ECONNREFUSED, ENETUNREACH, ...). Not retried on
     * EINTR: an interrupted connect goes on in the background, so EINTR is returned too.
     */
    public static int tryConnect(Fd socket, SockAddr address) {
        long r = withAddress(SysNr.CONNECT, socket, address);
        return r < 0 ? (int) -r : 0;
    }

    /** connect(2) that throws on any failure, EINPROGRESS included. */
    public static void connect(Fd socket, SockAddr address) throws SyscallException {
        int errno = tryConnect(socket, address);
        if (errno != 0) {
            throw new SyscallException("connect", errno, socket + " to " + address);
        }
    }

    private static long withAddress(int nr, Fd socket, SockAddr address) {
        byte[] encoded = address.encode();
        NativeBuffer b = Scratch.get(encoded.length);
        b.buffer().put(0, encoded);
        return Sys.call(nr, socket.get(), b.address(), encoded.length);
    }

    /**
     * sendto(2) of {@code data[off, off+len)} to {@code to} (null: the connected peer);
     * retried on EINTR. Every failure is a value, as in {@link #tryConnect}: a bypass
     * handler answers it to the container as it is.
     *
     * @return the count of bytes sent, or -errno (-EAGAIN, -EMSGSIZE, -EINPROGRESS for a
     *         non-blocking TCP fast open, ...)
     */
    public static long trySendTo(Fd socket, byte[] data, int off, int len, int flags, SockAddr to) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        byte[] name = to == null ? new byte[0] : to.encode();
        int dataAt = align8(name.length);
        NativeBuffer b = Scratch.get(dataAt + len);
        b.buffer().put(0, name);
        b.buffer().put(dataAt, data, off, len);
        long r;
        do {
            r = Sys.call(SysNr.SENDTO, socket.get(), b.address(dataAt), len, flags, name.length == 0 ? 0 : b.address(),
                    name.length);
        } while (Sys.interrupted(r));
        return r;
    }

    /**
     * One message for {@link #trySendMsg} or {@link #trySendBatch}: its bytes, its control
     * messages (cmsghdr bytes as the kernel reads them; empty for none) and its destination
     * (null: the connected peer).
     */
    public record Message(byte[] data, byte[] control, SockAddr to) {
        public Message {
            java.util.Objects.requireNonNull(data, "data");
            java.util.Objects.requireNonNull(control, "control");
        }
    }

    /**
     * sendmsg(2) of one message; retried on EINTR. Failures are values as in
     * {@link #trySendTo}.
     *
     * @return the count of bytes sent, or -errno
     */
    public static long trySendMsg(Fd socket, Message message, int flags) {
        NativeBuffer b = Scratch.get(Msghdr.SIZE + areaSize(message)).clear(0, Msghdr.SIZE);
        layOut(b, 0, Msghdr.SIZE, message);
        long r;
        do {
            r = Sys.call(SysNr.SENDMSG, socket.get(), b.address(), flags);
        } while (Sys.interrupted(r));
        return r;
    }

    /**
     * sendmmsg(2) (Linux 3.0) of {@code messages} in one call; retried on EINTR. The kernel
     * stops at the first message that fails and reports the count sent before it, or that
     * message's errno when it is the first.
     *
     * @param sent receives each sent message's byte count (msg_len), at least as long as the list
     * @return the count of messages sent, or -errno
     */
    public static int trySendBatch(Fd socket, java.util.List<Message> messages, int flags, int[] sent) {
        int n = messages.size();
        if (sent.length < n) {
            throw new IllegalArgumentException(n + " messages but room for " + sent.length + " lengths");
        }
        int size = n * Msghdr.MMSGHDR_SIZE;
        for (Message m : messages) {
            size += areaSize(m);
        }
        NativeBuffer b = Scratch.get(size).clear(0, n * Msghdr.MMSGHDR_SIZE);
        int areaAt = n * Msghdr.MMSGHDR_SIZE;
        for (int i = 0; i < n; i++) {
            areaAt = layOut(b, i * Msghdr.MMSGHDR_SIZE, areaAt, messages.get(i));
        }
        long r;
        do {
            r = Sys.call(SysNr.SENDMMSG, socket.get(), b.address(), n, flags);
        } while (Sys.interrupted(r));
        for (int i = 0; i < r; i++) {
            sent[i] = b.buffer().getInt(i * Msghdr.MMSGHDR_SIZE + Msghdr.MMSG_LEN_AT);
        }
        return (int) r;
    }

    /** An iovec, the name, the control messages and the data, each 8-aligned. */
    private static int areaSize(Message m) {
        int name = m.to() == null ? 0 : m.to().encode().length;
        return Msghdr.IOVEC_SIZE + align8(name) + align8(m.control().length) + align8(m.data().length);
    }

    /**
     * Writes the msghdr at {@code headerAt} (zeroed) and what it points to from
     * {@code areaAt} on.
     *
     * @return where the next area may start
     */
    private static int layOut(NativeBuffer b, int headerAt, int areaAt, Message message) {
        java.nio.ByteBuffer m = b.buffer();
        byte[] name = message.to() == null ? new byte[0] : message.to().encode();
        byte[] control = message.control();
        byte[] data = message.data();
        int iovAt = areaAt;
        int nameAt = iovAt + Msghdr.IOVEC_SIZE;
        int controlAt = nameAt + align8(name.length);
        int dataAt = controlAt + align8(control.length);
        m.put(nameAt, name);
        m.put(controlAt, control);
        m.put(dataAt, data);
        if (name.length > 0) {
            m.putLong(headerAt, b.address(nameAt));
            m.putInt(headerAt + 8, name.length);
        }
        m.putLong(headerAt + 16, b.address(iovAt));
        m.putLong(headerAt + 24, 1);
        if (control.length > 0) {
            m.putLong(headerAt + 32, b.address(controlAt));
            m.putLong(headerAt + 40, control.length);
        }
        m.putLong(iovAt, b.address(dataAt));
        m.putLong(iovAt + 8, data.length);
        return dataAt + align8(data.length);
    }

    public static void listen(Fd socket, int backlog) throws SyscallException {
        Sys.check(Sys.call(SysNr.LISTEN, socket.get(), backlog), "listen", socket);
    }

    /**
     * accept4(2) with {@code flags} (SOCK_NONBLOCK, SOCK_CLOEXEC); retried on EINTR.
     *
     * @return the connection, or null on EAGAIN (non-blocking socket, nobody waiting)
     */
    public static Fd accept(Fd socket, int flags) throws SyscallException {
        long r;
        do {
            r = Sys.call(SysNr.ACCEPT4, socket.get(), 0, 0, flags);
        } while (Sys.interrupted(r));
        if (r == -Errno.EAGAIN) {
            return null;
        }
        return Fd.adopt((int) Sys.check(r, "accept4", socket));
    }

    public static int getIntOption(Fd socket, int level, int name) throws SyscallException {
        return fixedOption(socket, level, name, Integer.BYTES).buffer().getInt(0);
    }

    /** A 64-bit option (SO_COOKIE, SO_NETNS_COOKIE). */
    public static long getLongOption(Fd socket, int level, int name) throws SyscallException {
        return fixedOption(socket, level, name, Long.BYTES).buffer().getLong(0);
    }

    /** The socket's own cookie (SO_COOKIE, Linux 4.13): unique among the sockets since boot. */
    public static long cookie(Fd socket) throws SyscallException {
        return getLongOption(socket, SOL_SOCKET, SO_COOKIE);
    }

    /** The cookie of the socket's network namespace (SO_NETNS_COOKIE, Linux 5.14, no privilege needed). */
    public static long netnsCookie(Fd socket) throws SyscallException {
        return getLongOption(socket, SOL_SOCKET, SO_NETNS_COOKIE);
    }

    /** SO_SNDTIMEO in nanoseconds; 0 is none (blocks without end). */
    public static long sendTimeoutNanos(Fd socket) throws SyscallException {
        byte[] tv = getOption(socket, SOL_SOCKET, SO_SNDTIMEO, TIMEVAL_SIZE);
        if (tv.length < TIMEVAL_SIZE) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(tv).order(ByteOrder.nativeOrder());
        return b.getLong(0) * 1_000_000_000L + b.getLong(8) * 1_000L;
    }

    /** A TCP socket's state ({@link #TCP_ESTABLISHED}, …): the first byte of its TCP_INFO. */
    public static byte tcpState(Fd socket) throws SyscallException {
        return getOption(socket, IPPROTO_TCP, TCP_INFO, 1)[0];
    }

    /** getsockopt of an option of {@code size} (at most 8) bytes, read at offset 0 of the scratch buffer. */
    private static NativeBuffer fixedOption(Fd socket, int level, int name, int size) throws SyscallException {
        NativeBuffer b = Scratch.zeroed(OPTLEN_AT + Integer.BYTES);
        b.buffer().putInt(OPTLEN_AT, size);
        long r = Sys.call(SysNr.GETSOCKOPT, socket.get(), level, name, b.address(), b.address(OPTLEN_AT));
        checkOption(r, "getsockopt", socket, level, name);
        return b;
    }

    public static void setIntOption(Fd socket, int level, int name, int value) throws SyscallException {
        NativeBuffer b = Scratch.get(Integer.BYTES);
        b.buffer().putInt(0, value);
        long r = Sys.call(SysNr.SETSOCKOPT, socket.get(), level, name, b.address(), Integer.BYTES);
        checkOption(r, "setsockopt", socket, level, name);
    }

    /** An option's raw bytes (struct linger, struct timeval, ...), at most {@code maxLength}. */
    public static byte[] getOption(Fd socket, int level, int name, int maxLength) throws SyscallException {
        NativeBuffer b = rawOption(socket, level, name, maxLength);
        return b.bytes(0, Math.min(b.buffer().getInt(align8(maxLength)), maxLength));
    }

    /**
     * An option's raw bytes, at most {@code maxLength}, into the start of {@code dst}: for a
     * caller that reads many options per call and keeps one array for them (the bypass's
     * option copy), where the variant above makes an array per option.
     *
     * @return how many bytes the kernel wrote
     */
    public static int getOption(Fd socket, int level, int name, byte[] dst, int maxLength) throws SyscallException {
        java.util.Objects.checkFromIndexSize(0, maxLength, dst.length);
        NativeBuffer b = rawOption(socket, level, name, maxLength);
        int length = Math.min(b.buffer().getInt(align8(maxLength)), maxLength);
        b.buffer().get(0, dst, 0, length);
        return length;
    }

    /** getsockopt into the scratch buffer: the value at 0, the length the kernel wrote at align8(maxLength). */
    private static NativeBuffer rawOption(Fd socket, int level, int name, int maxLength) throws SyscallException {
        int lenAt = align8(maxLength);
        NativeBuffer b = Scratch.zeroed(lenAt + Integer.BYTES);
        b.buffer().putInt(lenAt, maxLength);
        long r = Sys.call(SysNr.GETSOCKOPT, socket.get(), level, name, b.address(), b.address(lenAt));
        checkOption(r, "getsockopt", socket, level, name);
        return b;
    }

    /**
     * SO_PEERCRED: who connected a unix socket (struct ucred: pid, uid, gid), taken by the
     * kernel at connect (or socketpair) time, so a peer cannot claim another's ids.
     */
    public static ScmRights.Credentials peerCredentials(Fd socket) throws SyscallException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(getOption(socket, SOL_SOCKET, SO_PEERCRED, 12))
                .order(java.nio.ByteOrder.nativeOrder());
        return new ScmRights.Credentials(b.getInt(0), Integer.toUnsignedLong(b.getInt(4)), Integer.toUnsignedLong(b.getInt(8)));
    }

    public static void setOption(Fd socket, int level, int name, byte[] value) throws SyscallException {
        setOption(socket, level, name, value, value.length);
    }

    /** setsockopt of the first {@code length} bytes of {@code value}. */
    public static void setOption(Fd socket, int level, int name, byte[] value, int length) throws SyscallException {
        java.util.Objects.checkFromIndexSize(0, length, value.length);
        NativeBuffer b = Scratch.get(length);
        b.buffer().put(0, value, 0, length);
        long r = Sys.call(SysNr.SETSOCKOPT, socket.get(), level, name, b.address(), length);
        checkOption(r, "setsockopt", socket, level, name);
    }

    private static void checkOption(long r, String syscall, Fd socket, int level, int name) throws SyscallException {
        if (r < 0) {
            throw new SyscallException(syscall, (int) -r, socket + " level " + level + " option " + name);
        }
    }

    /** getsockname(2). */
    public static SockAddr localAddress(Fd socket) throws SyscallException {
        return nameOf(SysNr.GETSOCKNAME, "getsockname", socket);
    }

    /** getpeername(2). */
    public static SockAddr peerAddress(Fd socket) throws SyscallException {
        return nameOf(SysNr.GETPEERNAME, "getpeername", socket);
    }

    private static SockAddr nameOf(int nr, String syscall, Fd socket) throws SyscallException {
        NativeBuffer b = Scratch.zeroed(SockAddr.MAX_SIZE + Integer.BYTES);
        b.buffer().putInt(SockAddr.MAX_SIZE, SockAddr.MAX_SIZE);
        Sys.check(Sys.call(nr, socket.get(), b.address(), b.address(SockAddr.MAX_SIZE)), syscall, socket);
        int length = Math.min(b.buffer().getInt(SockAddr.MAX_SIZE), SockAddr.MAX_SIZE);
        return SockAddr.decode(b.bytes(0, length), length);
    }

    public static void shutdown(Fd socket, int how) throws SyscallException {
        Sys.check(Sys.call(SysNr.SHUTDOWN, socket.get(), how), "shutdown", socket);
    }

    /** fcntl F_GETFL: the file status flags (O_NONBLOCK, access mode, ...). */
    public static int fileStatusFlags(Fd fd) throws SyscallException {
        return (int) Sys.check(Sys.call(SysNr.FCNTL, fd.get(), F_GETFL), "fcntl(F_GETFL)", fd);
    }

    /** fcntl F_SETFL (only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME and O_NONBLOCK change). */
    public static void setFileStatusFlags(Fd fd, int flags) throws SyscallException {
        Sys.check(Sys.call(SysNr.FCNTL, fd.get(), F_SETFL, flags), "fcntl(F_SETFL)", fd);
    }

    /** fcntl F_GETFD: the descriptor flags (FD_CLOEXEC). */
    public static int fdFlags(Fd fd) throws SyscallException {
        return (int) Sys.check(Sys.call(SysNr.FCNTL, fd.get(), F_GETFD), "fcntl(F_GETFD)", fd);
    }

    public static void setFdFlags(Fd fd, int flags) throws SyscallException {
        Sys.check(Sys.call(SysNr.FCNTL, fd.get(), F_SETFD, flags), "fcntl(F_SETFD)", fd);
    }

    /** dup3(2): {@code newFd} now refers to the same file (whatever it named is closed). */
    public static Fd dup3(Fd fd, int newFd, int flags) throws SyscallException {
        long r;
        do {
            r = Sys.call(SysNr.DUP3, fd.get(), newFd, flags);
        } while (Sys.interrupted(r));
        if (r < 0) {
            throw new SyscallException("dup3", (int) -r, fd + " onto " + newFd);
        }
        return Fd.adopt((int) r);
    }

    /** Bytes waiting to be read (FIONREAD / SIOCINQ). */
    public static int bytesAvailable(Fd fd) throws SyscallException {
        NativeBuffer b = Scratch.zeroed(Integer.BYTES);
        Sys.check(Sys.call(SysNr.IOCTL, fd.get(), FIONREAD, b.address()), "ioctl(FIONREAD)", fd);
        return b.buffer().getInt(0);
    }

    /**
     * read(2) into {@code dst[off, off+len)}; retried on EINTR.
     *
     * @return the count read, 0 at end of file, -1 on EAGAIN
     */
    public static int read(Fd fd, byte[] dst, int off, int len) throws SyscallException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        NativeBuffer b = Scratch.get(len);
        long r;
        do {
            r = Sys.call(SysNr.READ, fd.get(), b.address(), len);
        } while (Sys.interrupted(r));
        if (r == -Errno.EAGAIN) {
            return -1;
        }
        Sys.check(r, "read", fd);
        b.buffer().get(0, dst, off, (int) r);
        return (int) r;
    }

    /**
     * write(2) of {@code src[off, off+len)}; retried on EINTR.
     *
     * @return the count written (may be short), -1 on EAGAIN
     */
    public static int write(Fd fd, byte[] src, int off, int len) throws SyscallException {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        NativeBuffer b = Scratch.get(len);
        b.buffer().put(0, src, off, len);
        long r;
        do {
            r = Sys.call(SysNr.WRITE, fd.get(), b.address(), len);
        } while (Sys.interrupted(r));
        if (r == -Errno.EAGAIN) {
            return -1;
        }
        return (int) Sys.check(r, "write", fd);
    }

    /** Writes all of {@code src} to a blocking fd. */
    public static void writeFully(Fd fd, byte[] src) throws SyscallException {
        int done = 0;
        while (done < src.length) {
            int n = write(fd, src, done, src.length - done);
            if (n < 0) {
                throw new SyscallException("write", Errno.EAGAIN, fd + " (writeFully needs a blocking fd)");
            }
            done += n;
        }
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }
}
