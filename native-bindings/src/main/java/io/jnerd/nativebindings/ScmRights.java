package io.jnerd.nativebindings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * sendmsg/recvmsg of bytes plus file descriptors (SCM_RIGHTS) on an AF_UNIX socket: how runc
 * and crun hand the seccomp listener to an agent, and how helper processes pass fds back.
 *
 * <p>Received fds arrive close-on-exec (MSG_CMSG_CLOEXEC, so no child inherits them by
 * accident) and as owned {@link Fd}s inside a {@link Received}, which closes whatever the
 * caller did not {@link Received#take take}: use it in try-with-resources and a failure while
 * processing the message leaks nothing.
 */
public final class ScmRights {

    /** cmsg_type at SOL_SOCKET: fds (linux/socket.h). */
    public static final int SCM_RIGHTS = 1;
    /** cmsg_type at SOL_SOCKET: a struct ucred the kernel checks against the sender's credentials. */
    public static final int SCM_CREDENTIALS = 2;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // A struct msghdr, then its one iovec at 64, then the control messages.
    static final int IOVEC_AT = 64;
    static final int CONTROL_AT = IOVEC_AT + 16;
    /** SCM_MAX_FD: the kernel accepts at most this many fds in one message. */
    public static final int MAX_FDS = 253;

    /** What one recvmsg gave: bytes, and fds owned until taken or closed. */
    public static final class Received implements AutoCloseable {
        private final byte[] data;
        private final List<Fd> fds;
        private final Credentials credentials;

        Received(byte[] data, List<Fd> fds, Credentials credentials) {
            this.data = data;
            this.fds = Collections.unmodifiableList(fds);
            this.credentials = credentials;
        }

        /** The sender's, where the receiving socket has SO_PASSCRED; else null. */
        public Credentials credentials() {
            return credentials;
        }

        /** The bytes received; empty at end of stream (the peer closed without sending). */
        public byte[] data() {
            return data;
        }

        /** The received fds, still owned by this object. */
        public List<Fd> fds() {
            return fds;
        }

        /** Whether the peer closed the connection: no bytes and no fds. */
        public boolean isEndOfStream() {
            return data.length == 0 && fds.isEmpty();
        }

        /** Takes fd {@code index} out: this object will no longer close it, the caller must. */
        public Fd take(int index) {
            return Fd.adopt(fds.get(index).release());
        }

        /** Closes every fd not taken. */
        @Override
        public void close() {
            for (Fd fd : fds) {
                fd.close();
            }
        }
    }

    /** What an SCM_CREDENTIALS message carries (struct ucred): a pid, a uid and a gid. */
    public record Credentials(int pid, long uid, long gid) {}

    /** sizeof(struct ucred). */
    private static final int UCRED_SIZE = 12;

    private ScmRights() {}

    /**
     * One SCM_CREDENTIALS control message naming {@code c}, to send: the kernel takes it
     * only when the ids are the sender's own real, effective or saved ones and the pid its
     * own (scm_check_creds), else the send fails with EPERM.
     */
    public static byte[] credentialsMessage(Credentials c) {
        ByteBuffer b = ByteBuffer.allocate(cmsgSpace(UCRED_SIZE)).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(0, Msghdr.CMSG_HEADER + UCRED_SIZE);
        b.putInt(8, Sockets.SOL_SOCKET);
        b.putInt(12, SCM_CREDENTIALS);
        b.putInt(Msghdr.CMSG_HEADER, c.pid());
        b.putInt(Msghdr.CMSG_HEADER + 4, (int) c.uid());
        b.putInt(Msghdr.CMSG_HEADER + 8, (int) c.gid());
        return b.array();
    }

    /**
     * Sends {@code data} with copies of {@code fds} in one message (the fds stay ours);
     * retried on EINTR. Stream sockets carry fds only along with data, so give at least one byte.
     *
     * @return the count of bytes sent (a stream socket may take fewer than given; the fds go with the first)
     */
    public static int send(Fd socket, byte[] data, List<Fd> fds) throws SyscallException {
        if (fds.size() > MAX_FDS) {
            throw new IllegalArgumentException(fds.size() + " fds in one message, the kernel takes at most " + MAX_FDS);
        }
        if (data.length == 0 && !fds.isEmpty()) {
            throw new IllegalArgumentException("fds must travel with at least one byte of data");
        }
        int controlLength = fds.isEmpty() ? 0 : cmsgSpace(fds.size() * Integer.BYTES);
        int dataAt = CONTROL_AT + controlLength;
        NativeBuffer b = Scratch.zeroed(dataAt + data.length);
        ByteBuffer m = b.buffer();
        m.put(dataAt, data);
        writeHeader(b, data.length, dataAt, controlLength);
        if (!fds.isEmpty()) {
            m.putLong(CONTROL_AT, Msghdr.CMSG_HEADER + (long) fds.size() * Integer.BYTES);
            m.putInt(CONTROL_AT + 8, Sockets.SOL_SOCKET);
            m.putInt(CONTROL_AT + 12, SCM_RIGHTS);
            for (int i = 0; i < fds.size(); i++) {
                m.putInt(CONTROL_AT + Msghdr.CMSG_HEADER + i * Integer.BYTES, fds.get(i).get());
            }
        }
        long r;
        do {
            r = Sys.call(SysNr.SENDMSG, socket.get(), b.address(), Sockets.MSG_NOSIGNAL);
        } while (Sys.interrupted(r));
        return (int) Sys.check(r, "sendmsg", socket);
    }

    /**
     * Receives one message of at most {@code maxBytes} bytes and {@code maxFds} fds;
     * blocking, retried on EINTR. On a stream socket bytes beyond {@code maxBytes} wait for
     * the next call; on a datagram or seqpacket socket they are lost.
     *
     * @throws IOException when the sender sent more fds than {@code maxFds} (the kernel
     *         dropped the rest; those that did arrive are closed)
     */
    public static Received receive(Fd socket, int maxBytes, int maxFds) throws IOException {
        if (maxFds < 0 || maxFds > MAX_FDS) {
            throw new IllegalArgumentException("maxFds " + maxFds + " is outside 0-" + MAX_FDS);
        }
        // Room for the sender's credentials too, which come on a socket with SO_PASSCRED.
        int controlLength = (maxFds == 0 ? 0 : cmsgSpace(maxFds * Integer.BYTES)) + cmsgSpace(UCRED_SIZE);
        int dataAt = CONTROL_AT + controlLength;
        long r;
        NativeBuffer b;
        do {
            b = Scratch.zeroed(dataAt + maxBytes);
            writeHeader(b, maxBytes, dataAt, controlLength);
            r = Sys.call(SysNr.RECVMSG, socket.get(), b.address(), MSG_CMSG_CLOEXEC);
        } while (Sys.interrupted(r));
        Sys.check(r, "recvmsg", socket);
        ByteBuffer m = b.buffer();
        List<Fd> fds = receivedFds(m, (int) m.getLong(40));
        Received received = new Received(b.bytes(dataAt, (int) r), fds, receivedCredentials(m, (int) m.getLong(40)));
        // More than maxFds fit where the credentials' room was unused: as many as the kernel drops.
        if ((m.getInt(48) & MSG_CTRUNC) != 0 || fds.size() > maxFds) {
            received.close();
            throw new IOException("recvmsg " + socket + ": more than " + maxFds
                    + " fds were sent, the kernel dropped the rest (MSG_CTRUNC)");
        }
        return received;
    }

    /** msghdr with one iovec over the data area and the control area, if any. */
    private static void writeHeader(NativeBuffer b, int dataLength, int dataAt, int controlLength) {
        ByteBuffer m = b.buffer();
        m.putLong(16, b.address(IOVEC_AT));
        m.putLong(24, 1);
        if (controlLength > 0) {
            m.putLong(32, b.address(CONTROL_AT));
            m.putLong(40, controlLength);
        }
        m.putLong(IOVEC_AT, b.address(dataAt));
        m.putLong(IOVEC_AT + 8, dataLength);
    }

    /** Walks the control messages the kernel filled in and adopts every SCM_RIGHTS fd. */
    static List<Fd> receivedFds(ByteBuffer m, int controlLength) {
        List<Fd> fds = new ArrayList<>();
        walk(m, controlLength, (level, type, at, length) -> {
            if (level == Sockets.SOL_SOCKET && type == SCM_RIGHTS) {
                for (int i = 0; i < length / Integer.BYTES; i++) {
                    fds.add(Fd.adopt(m.getInt(at + i * Integer.BYTES)));
                }
            }
        });
        return fds;
    }

    /** The SCM_CREDENTIALS message the kernel filled in, or null. */
    private static Credentials receivedCredentials(ByteBuffer m, int controlLength) {
        Credentials[] found = new Credentials[1];
        walk(m, controlLength, (level, type, at, length) -> {
            if (level == Sockets.SOL_SOCKET && type == SCM_CREDENTIALS && length >= UCRED_SIZE) {
                found[0] = new Credentials(m.getInt(at), m.getInt(at + 4) & 0xffffffffL, m.getInt(at + 8) & 0xffffffffL);
            }
        });
        return found[0];
    }

    /** One control message: its level and type, where its data starts in the buffer and how long it is. */
    private interface ControlMessage {
        void visit(int level, int type, int dataAt, int dataLength);
    }

    /** Each control message in the control area of {@code controlLength} bytes, as __cmsg_nxthdr walks them. */
    private static void walk(ByteBuffer m, int controlLength, ControlMessage each) {
        int at = CONTROL_AT;
        int end = CONTROL_AT + controlLength;
        while (at + Msghdr.CMSG_HEADER <= end) {
            int length = (int) m.getLong(at);
            if (length < Msghdr.CMSG_HEADER) {
                break;
            }
            each.visit(m.getInt(at + 8), m.getInt(at + 12), at + Msghdr.CMSG_HEADER, length - Msghdr.CMSG_HEADER);
            at += Sockets.align8(length);
        }
    }

    /** CMSG_SPACE: header plus data, rounded up to the 8-byte alignment of cmsghdr. */
    static int cmsgSpace(int dataLength) {
        return Msghdr.CMSG_HEADER + Sockets.align8(dataLength);
    }
}
