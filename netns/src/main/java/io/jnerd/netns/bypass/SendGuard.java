package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Sends with an explicit destination: {@code sendto} with an address, {@code sendmsg} and
 * {@code sendmmsg}. A switched socket lives in the host's network namespace, so sending
 * from it to an address of the container's choosing (sendto on a connected UDP socket, or
 * TCP fast open, MSG_FASTOPEN, on a host socket whose connect failed) would reach whatever
 * that address names from the host, the host's 127.0.0.1 included.
 *
 * <p>The agent reads the message once ({@link OutgoingMessage}), pins the socket with
 * pidfd_getfd and sends it itself, on the pinned socket, to the address it read, answering
 * with the byte count. On a host socket the destination must be one a switched connect
 * could reach ({@link ConnectRules#forDestination}): loopback, link-local, multicast, the
 * container's own subnets and ignored CIDRs are refused with ENETUNREACH, what a connect
 * of such a socket gets too (there is no route to them from where the socket is, as far
 * as the container is concerned). That includes the replies of a published UDP port to a
 * client on the host's own loopback: the agent cannot tell a reply from a datagram to a
 * host-local service, so such clients get no answer (clients elsewhere do).
 *
 * <p>The send is never CONTINUEd on a TCP or UDP socket, container sockets included:
 * between the check and the kernel's own fd lookup a container thread could dup2 a host
 * socket onto the fd or rewrite the address. Sockets of other families (AF_UNIX paths
 * resolve in the caller's mount namespace, netlink) and other INET protocols (raw, ICMP)
 * are CONTINUEd: those the bypass never switches, and the kernel must act for the caller.
 *
 * <p>The agent sends with MSG_DONTWAIT; a blocking container socket that has no room, or a
 * blocking fast open still connecting, waits in the {@link ConnectWaiter} and is sent
 * again from there, so the container's other notifications go on meanwhile. What is not
 * reproduced: SIGPIPE (the agent sends with MSG_NOSIGNAL; the container gets EPIPE alone)
 * and MSG_ZEROCOPY (its completions would name the agent's buffer).
 */
final class SendGuard {

    private static final Logger LOG = Logger.getLogger(SendGuard.class.getName());
    private static final int MSG_ZEROCOPY = 0x4000000;
    // struct mmsghdr: a msghdr, then unsigned int msg_len, padded to 64 bytes.
    private static final int MMSGHDR_SIZE = 64;
    private static final int MSG_LEN_AT = 56;
    /** Data read for one sendmmsg at most; the rest is left to the container's next call (a short count). */
    private static final int MAX_BATCH_DATA = 1 << 20;
    /** Not an errno: the kernel runs the call itself. */
    private static final int CONTINUE = -1;

    private final ConnectRules rules;
    private final ConnectWaiter waiter;
    private final BypassStats stats;

    SendGuard(ConnectRules rules, ConnectWaiter waiter, BypassStats stats) {
        this.rules = rules;
        this.waiter = waiter;
        this.stats = stats;
    }

    /** sendto(fd, buf, len, flags, addr, addrlen). */
    void sendto(NotificationContext ctx) {
        OutgoingMessage m;
        try {
            m = OutgoingMessage.ofSendto(ctx);
        } catch (IOException e) {
            Answers.result(ctx, -errnoOf(e));
            return;
        }
        sendOne(ctx, m, (int) ctx.arg(3));
    }

    /** sendmsg(fd, msg, flags). */
    void sendmsg(NotificationContext ctx) {
        OutgoingMessage m;
        try {
            m = OutgoingMessage.ofMsghdr(ctx, ctx.arg(1));
        } catch (IOException e) {
            Answers.result(ctx, -errnoOf(e));
            return;
        }
        sendOne(ctx, m, (int) ctx.arg(2));
    }

    /**
     * sendmmsg(fd, msgvec, vlen, flags): the messages the agent may send, up to the first it
     * may not, in one sendmmsg on the pinned socket; each one's msg_len written back. The
     * answer is the count sent, or the first message's errno, as the kernel gives it: a
     * refused message after sent ones is left for the container's next call.
     */
    void sendmmsg(NotificationContext ctx) {
        long vector = ctx.arg(1);
        // The kernel caps vlen at UIO_MAXIOV (1024) as well, silently.
        int count = (int) Math.min(ctx.arg(2) & 0xffffffffL, OutgoingMessage.MAX_IOVECS);
        int flags = (int) ctx.arg(3);
        List<OutgoingMessage> messages = new ArrayList<>();
        long budget = MAX_BATCH_DATA;
        for (int i = 0; i < count && budget > 0; i++) {
            try {
                OutgoingMessage m = OutgoingMessage.ofMsghdr(ctx, vector + (long) i * MMSGHDR_SIZE);
                messages.add(m);
                budget -= m.data().length;
            } catch (IOException e) {
                if (i == 0) {
                    Answers.result(ctx, -errnoOf(e));
                    return;
                }
                // The kernel sends the good ones first and reports the count.
                break;
            }
        }
        if (messages.isEmpty()) {
            Answers.result(ctx, 0);
            return;
        }
        ContainerSocket sock = fetch(ctx);
        if (sock == null) {
            return;
        }
        boolean host = isHost(sock);
        List<Sockets.Message> allowed = new ArrayList<>();
        int refusal = 0;
        for (OutgoingMessage m : messages) {
            refusal = refusal(sock, host, m, flags);
            if (refusal != 0) {
                break;
            }
            allowed.add(m.toSend(false));
        }
        if (allowed.isEmpty()) {
            sock.close();
            refuse(ctx, refusal);
            return;
        }
        int[] lengths = new int[allowed.size()];
        int sent = Sockets.trySendBatch(sock.copy(), allowed, flags | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL, lengths);
        if (wouldBlock(sent) && isBlocking(sock, flags)) {
            waitThenSend(ctx, sock, messages.get(0), flags, vector + MSG_LEN_AT);
            return;
        }
        sock.close();
        if (sent > 0 && !SocketSwitcher.stillValid(ctx)) {
            // Killed meanwhile: its pid may name another process by now, not to be written to.
            return;
        }
        for (int i = 0; i < sent; i++) {
            if (!writeLength(ctx, vector + (long) i * MMSGHDR_SIZE + MSG_LEN_AT, lengths[i])) {
                return;
            }
        }
        Answers.result(ctx, sent);
    }

    private void sendOne(NotificationContext ctx, OutgoingMessage m, int flags) {
        ContainerSocket sock = fetch(ctx);
        if (sock == null) {
            return;
        }
        int refusal = refusal(sock, isHost(sock), m, flags);
        if (refusal != 0) {
            sock.close();
            refuse(ctx, refusal);
            return;
        }
        long result = send(sock, m, flags, false);
        if (wouldBlock(result) && isBlocking(sock, flags)) {
            waitThenSend(ctx, sock, m, flags, 0);
            return;
        }
        sock.close();
        Answers.result(ctx, result);
    }

    /** CONTINUE, or the errno. */
    private static void refuse(NotificationContext ctx, int refusal) {
        if (refusal == CONTINUE) {
            Answers.proceed(ctx);
        } else {
            Answers.result(ctx, -refusal);
        }
    }

    /** 0: the agent sends it; {@link #CONTINUE}; else the errno to answer. */
    private int refusal(ContainerSocket sock, boolean host, OutgoingMessage m, int flags) {
        SocketKind kind = sock.kind();
        if (!kind.isTcp() && !kind.isUdp()) {
            return CONTINUE;
        }
        ControlMessages.Check control = ControlMessages.check(m.control(), host);
        if (control == ControlMessages.Check.MALFORMED) {
            return Errno.EINVAL;
        }
        if (control == ControlMessages.Check.NOT_PASSED || (flags & MSG_ZEROCOPY) != 0) {
            // In the container's own namespace the kernel may act for the caller; on a
            // host socket the agent would lend it its privileges.
            return host ? Errno.EPERM : CONTINUE;
        }
        if (kind.isUdp() && m.totalLength() > OutgoingMessage.MAX_DATA) {
            return Errno.EMSGSIZE;
        }
        Destination to = m.destination();
        if (to != null && to.sockAddr() == null) {
            // Too short for its family, or one jnerd does not encode (AF_UNSPEC, which
            // udp_sendmsg reads as AF_INET): refused rather than sent to the peer.
            return to.family() == kind.family() ? Errno.EINVAL : Errno.EAFNOSUPPORT;
        }
        if (!host || to == null) {
            return 0;
        }
        Verdict v = rules.forDestination(to);
        if (v.switches()) {
            return 0;
        }
        stats.verdict(v);
        stats.refusedOnHostSocket();
        LOG.fine(() -> "bypass: " + sock + ": send to " + to + " refused: " + v.reason());
        return v == Verdict.BAD_ADDRESS ? Errno.EINVAL
                : v == Verdict.DISCONNECT || v == Verdict.NOT_INET ? Errno.EAFNOSUPPORT : Errno.ENETUNREACH;
    }

    /**
     * One non-blocking send on the pinned socket: the count, or -errno.
     *
     * @param afterFastOpen the message's fast open connected meanwhile (see {@link OutgoingMessage#toSend})
     */
    private static long send(ContainerSocket sock, OutgoingMessage m, int flags, boolean afterFastOpen) {
        int sendFlags = flags | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL;
        if (afterFastOpen) {
            sendFlags &= ~Sockets.MSG_FASTOPEN;
        }
        Sockets.Message message = m.toSend(afterFastOpen);
        byte[] data = message.data();
        return message.control().length == 0
                ? Sockets.trySendTo(sock.copy(), data, 0, data.length, sendFlags, message.to())
                : Sockets.trySendMsg(sock.copy(), message, sendFlags);
    }

    private static boolean wouldBlock(long result) {
        return result == -Errno.EAGAIN || result == -Errno.EINPROGRESS;
    }

    /** Whether the socket lives in the host's namespace; taken as so, with the stricter rules, if that cannot be read. */
    private static boolean isHost(ContainerSocket sock) {
        try {
            return sock.isHostSocket();
        } catch (SyscallException e) {
            return true;
        }
    }

    private static boolean isBlocking(ContainerSocket sock, int flags) {
        try {
            return (flags & Sockets.MSG_DONTWAIT) == 0 && !sock.isNonBlocking();
        } catch (SyscallException e) {
            return false;
        }
    }

    /**
     * The socket has no room (or its fast open is connecting): the waiter polls it for
     * POLLOUT and the message goes then, answered from the waiter's thread.
     *
     * @param lengthAt where sendmmsg's msg_len of this message goes, 0 for sendto/sendmsg
     */
    private void waitThenSend(NotificationContext ctx, ContainerSocket sock, OutgoingMessage m, int flags,
            long lengthAt) {
        long timeout;
        try {
            timeout = SocketSwitcher.sendTimeoutNanos(sock.copy());
        } catch (SyscallException e) {
            sock.close();
            Answers.result(ctx, -e.errno());
            return;
        }
        ctx.defer();
        Fd socket = sock.copy();
        boolean queued = waiter.await(socket, timeout, () -> SocketSwitcher.stillValid(ctx), new ConnectWaiter.Completion() {
            @Override
            public void completed(int errno) {
                // EINPROGRESS: SO_SNDTIMEO passed, for which send(2) says EAGAIN.
                long result = errno == Errno.EINPROGRESS ? -Errno.EAGAIN
                        : errno != 0 ? -errno : send(sock, m, flags, (flags & Sockets.MSG_FASTOPEN) != 0);
                if (result == -Errno.EAGAIN && errno == 0) {
                    // Room was taken by another sender meanwhile: wait again.
                    waitThenSend(ctx, sock, m, flags, lengthAt);
                    return;
                }
                sock.close();
                if (lengthAt == 0 || result < 0) {
                    Answers.result(ctx, result);
                } else if (writeLength(ctx, lengthAt, result)) {
                    // sendmmsg: one message sent.
                    Answers.result(ctx, 1);
                }
            }

            @Override
            public void abandoned() {
                sock.close();
                Answers.result(ctx, -Errno.EINTR);
            }
        });
        if (!queued) {
            sock.close();
            stats.error();
            Answers.result(ctx, -Errno.ENOBUFS);
        }
    }

    /** The socket at arg 0, or null when the notification was answered already. */
    static ContainerSocket fetch(NotificationContext ctx) {
        try {
            ContainerSocket sock = ContainerSocket.fetch(ctx, (int) ctx.arg(0));
            if (sock == null) {
                Answers.result(ctx, -Errno.ENOTSOCK);
            }
            return sock;
        } catch (IOException e) {
            Answers.result(ctx, -errnoOf(e));
            return null;
        }
    }

    /** sendmmsg's msg_len of one message, written into the container's vector; answers EFAULT if it cannot be. */
    private static boolean writeLength(NotificationContext ctx, long address, long length) {
        byte[] b = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, (int) length).array();
        try {
            ProcessMemory.write(ctx.pid(), address, b, 0, b.length);
            return true;
        } catch (IOException e) {
            Answers.result(ctx, -Errno.EFAULT);
            return false;
        }
    }

    private static int errnoOf(IOException e) {
        return e instanceof SyscallException ? ((SyscallException) e).errno() : Errno.EFAULT;
    }

}
