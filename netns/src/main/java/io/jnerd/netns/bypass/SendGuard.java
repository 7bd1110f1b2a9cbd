package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Msghdr;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
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
 * <p>The send is never CONTINUEd, on any socket: between the check and the kernel's own fd
 * lookup a container thread could dup2 a host socket onto the fd or rewrite the address,
 * and a CONTINUEd sendmsg reads its whole msghdr, msg_name included, again. On sockets
 * that are not TCP or UDP (AF_UNIX, netlink, raw, ICMP; never host sockets) the agent
 * sends too, to the address made by {@link PinnedAddress} (an AF_UNIX path resolved in
 * the container's tree, netlink groups only with the target's CAP_NET_ADMIN). Control
 * messages pass as {@link ControlMessages} says: SCM_RIGHTS with the fds translated into
 * the agent's copies; SCM_CREDENTIALS and anything unknown are refused with EPERM.
 * MSG_ZEROCOPY is refused with ENOBUFS, the errno the kernel gives for a zerocopy send it
 * cannot set up and that applications fall back to copying on: the agent's send would
 * pin its own buffer, which it reuses at once.
 *
 * <p>The agent sends with MSG_DONTWAIT; a blocking container socket that has no room, or a
 * blocking fast open still connecting, waits in the {@link ConnectWaiter} and is sent
 * again from there, so the container's other notifications go on meanwhile. What is not
 * reproduced: SIGPIPE (the agent sends with MSG_NOSIGNAL; the container gets EPIPE alone).
 * One sendmmsg makes the agent read at most {@link #MAX_BATCH_DATA} bytes (plus one
 * message): the messages past that are left to the container's next call, the short
 * count the kernel gives too.
 */
final class SendGuard {

    private static final Logger LOG = Logger.getLogger(SendGuard.class.getName());
    /** Bytes read for one sendmmsg at most (data, control, headers); the rest is left to the container's next call. */
    static final int MAX_BATCH_DATA = 1 << 20;

    private final ConnectRules rules;
    private final ConnectWaiter waiter;
    private final BypassStats stats;

    private final SocketFiles files;

    SendGuard(ConnectRules rules, ConnectWaiter waiter, BypassStats stats, SocketFiles files) {
        this.files = files;
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
        int count = (int) Math.min(ctx.arg(2) & 0xffffffffL, Msghdr.UIO_MAXIOV);
        int flags = (int) ctx.arg(3);
        List<OutgoingMessage> messages = new ArrayList<>();
        long budget = MAX_BATCH_DATA;
        for (int i = 0; i < count && budget > 0; i++) {
            try {
                OutgoingMessage m = OutgoingMessage.ofMsghdr(ctx, vector + (long) i * Msghdr.MMSGHDR_SIZE);
                messages.add(m);
                budget -= m.bytesRead() + Msghdr.MMSGHDR_SIZE;
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
        List<Prepared> allowed = new ArrayList<>();
        int refusal = 0;
        int fds = 0;
        for (OutgoingMessage m : messages) {
            fds += ControlMessages.fdCount(m.control());
            if (fds > ScmRights.MAX_FDS && !allowed.isEmpty()) {
                // At most one message's worth of fd copies held at once: the rest waits for
                // the container's next call.
                break;
            }
            refusal = refusal(sock, host, m, flags);
            if (refusal == 0) {
                try {
                    allowed.add(prepare(ctx, sock, m));
                } catch (IOException e) {
                    refusal = errnoOf(e);
                }
            }
            if (refusal != 0) {
                break;
            }
        }
        if (allowed.isEmpty()) {
            sock.close();
            Answers.result(ctx, -refusal);
            return;
        }
        List<Sockets.Message> batch = new ArrayList<>();
        allowed.forEach(p -> batch.add(p.message(false)));
        int[] lengths = new int[allowed.size()];
        int sent = (int) allowed.get(0).asTarget(() -> (long) Sockets.trySendBatch(sock.copy(), batch, sendFlags(flags),
                lengths));
        if (wouldBlock(sent) && isBlocking(sock, flags)) {
            allowed.subList(1, allowed.size()).forEach(Prepared::close);
            waitThenSend(ctx, sock, allowed.get(0), flags, vector + Msghdr.MMSG_LEN_AT);
            return;
        }
        allowed.forEach(Prepared::close);
        sock.close();
        if (sent > 0 && !SocketSwitcher.stillValid(ctx)) {
            // Killed meanwhile: its pid may name another process by now, not to be written to.
            return;
        }
        for (int i = 0; i < sent; i++) {
            if (!writeLength(ctx, vector + (long) i * Msghdr.MMSGHDR_SIZE + Msghdr.MMSG_LEN_AT, lengths[i])) {
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
            Answers.result(ctx, -refusal);
            return;
        }
        Prepared p;
        try {
            p = prepare(ctx, sock, m);
        } catch (IOException e) {
            LOG.fine(() -> "bypass: " + sock + ": send refused: " + e.getMessage());
            sock.close();
            Answers.result(ctx, -errnoOf(e));
            return;
        }
        long result = send(sock, p, flags, false);
        if (wouldBlock(result) && isBlocking(sock, flags)) {
            waitThenSend(ctx, sock, p, flags, 0);
            return;
        }
        p.close();
        sock.close();
        Answers.result(ctx, result);
    }

    /** 0: the agent may send it (after {@link #prepare}); else the errno to answer. */
    private int refusal(ContainerSocket sock, boolean host, OutgoingMessage m, int flags) {
        SocketKind kind = sock.kind();
        if ((flags & Sockets.MSG_ZEROCOPY) != 0) {
            return Errno.ENOBUFS;
        }
        ControlMessages.Check control = ControlMessages.check(m.control(), host, kind.family() == SockAddr.AF_UNIX);
        if (control == ControlMessages.Check.MALFORMED) {
            return Errno.EINVAL;
        }
        if (control == ControlMessages.Check.NOT_PASSED) {
            // The agent's send would lend the agent's privileges or identity.
            return Errno.EPERM;
        }
        if (ControlMessages.fdCount(m.control()) > ScmRights.MAX_FDS) {
            // The kernel's answer too (SCM_MAX_FD), given before the agent copies any.
            return Errno.EINVAL;
        }
        if (!kind.isTcp() && !kind.isUdp()) {
            // Only TCP and UDP sockets are ever switched: anything else here is the
            // container's own, its destination made by PinnedAddress.
            return host ? Errno.EPERM : 0;
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
     * What the agent sends for an allowed message: the data, the control messages (fds
     * translated into the agent's copies) and the address (for sockets other than TCP and
     * UDP made by {@link PinnedAddress}); held open until {@link Prepared#close}.
     */
    private Prepared prepare(NotificationContext ctx, ContainerSocket sock, OutgoingMessage m)
            throws IOException {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            List<Fd> copies = new ArrayList<>();
            byte[] control = m.control();
            if (sock.kind().family() == SockAddr.AF_UNIX && control.length > 0) {
                try {
                    control = ControlMessages.withCopies(control, ctx::targetFd, copies);
                } finally {
                    held.addAll(copies);
                }
            }
            Destination to = m.destination();
            SockAddr address = null;
            // AF_UNIX: sent as the target (AsTarget), whose ids a receiver's SCM_CREDENTIALS shows.
            TargetCredentials target = null;
            if (to != null && (sock.kind().isTcp() || sock.kind().isUdp())) {
                address = to.sockAddr();
            } else if (to != null) {
                PinnedAddress pinned = PinnedAddress.forPeer(ctx, sock, to.raw(), files);
                held.add(pinned);
                address = pinned.address();
                target = pinned.target();
            } else if (sock.kind().family() == SockAddr.AF_UNIX) {
                target = TargetCredentials.of(ctx);
            }
            if (target != null && AsTarget.switchesFor(target)) {
                control = PinnedAddress.concat(control, ScmRights.credentialsMessage(AsTarget.sendersCredentials(target)));
            }
            return new Prepared(new Sockets.Message(m.data(), control, address), held, target);
        } catch (IOException | RuntimeException e) {
            new Prepared(null, held, null).close();
            throw e;
        }
    }

    /** A message ready to send and what must stay open until it went. */
    private static final class Prepared implements AutoCloseable {
        private final Sockets.Message message;
        private final List<AutoCloseable> held;
        /** Whose ids the send goes with, or null: the agent's. */
        private final TargetCredentials target;

        Prepared(Sockets.Message message, List<AutoCloseable> held, TargetCredentials target) {
            this.message = message;
            this.held = held;
            this.target = target;
        }

        /** {@code send}'s count or -errno, run as the target where it has one ({@link AsTarget}). */
        long asTarget(AsTarget.Call<Long> send) {
            try {
                return target == null ? send.run() : AsTarget.call(target, send);
            } catch (SyscallException e) {
                return -e.errno();
            } catch (IOException e) {
                return -Errno.EIO;
            }
        }

        /** @param afterFastOpen a TCP fast open connected meanwhile: what is left is a plain send to the peer */
        Sockets.Message message(boolean afterFastOpen) {
            return afterFastOpen ? new Sockets.Message(message.data(), message.control(), null) : message;
        }

        @Override
        public void close() {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Fds and PinnedAddress close without failing.
                }
            }
            held.clear();
        }
    }

    private static int sendFlags(int flags) {
        return flags | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL;
    }

    /**
     * One non-blocking send on the pinned socket: the count, or -errno.
     *
     * @param afterFastOpen the message's fast open connected meanwhile
     */
    private static long send(ContainerSocket sock, Prepared p, int flags, boolean afterFastOpen) {
        int sendFlags = sendFlags(flags);
        if (afterFastOpen) {
            sendFlags &= ~Sockets.MSG_FASTOPEN;
        }
        Sockets.Message message = p.message(afterFastOpen);
        byte[] data = message.data();
        int how = sendFlags;
        return p.asTarget(() -> message.control().length == 0
                ? Sockets.trySendTo(sock.copy(), data, 0, data.length, how, message.to())
                : Sockets.trySendMsg(sock.copy(), message, how));
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
    private void waitThenSend(NotificationContext ctx, ContainerSocket sock, Prepared m, int flags, long lengthAt) {
        long timeout;
        try {
            timeout = Sockets.sendTimeoutNanos(sock.copy());
        } catch (SyscallException e) {
            m.close();
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
                // Room was taken by another sender meanwhile: wait again. Not on other
                // sockets: an unconnected AF_UNIX datagram socket polls writable while its
                // receiver is full, and waiting again would spin; those get EAGAIN.
                if (result == -Errno.EAGAIN && errno == 0 && (sock.kind().isTcp() || sock.kind().isUdp())) {
                    waitThenSend(ctx, sock, m, flags, lengthAt);
                    return;
                }
                m.close();
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
                m.close();
                sock.close();
                Answers.result(ctx, -Errno.EINTR);
            }
        });
        if (!queued) {
            m.close();
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
