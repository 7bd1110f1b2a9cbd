package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kernel half of the bypass: {@code connect} and {@code bind} as DESIGN.md, "Socket
 * switching", describes them. Every call answers its notification, now or (a blocking
 * connect) later from the {@link ConnectWaiter}, and never throws.
 *
 * <p>The sockaddr is read once; the container's socket is pinned with pidfd_getfd; the
 * notification is checked with NOTIF_ID_VALID before anything is done with what was read.
 * A connect or bind is then always performed by the agent, never CONTINUEd, whatever the
 * socket: switched ones on a new host socket, the others on the pinned container socket
 * (whose network namespace is the container's, whoever calls connect; the address of a
 * socket that is not AF_INET/AF_INET6 made by {@link PinnedAddress}). So neither a
 * sockaddr rewritten by another thread nor an fd replaced by dup2 after the check can aim
 * a connect somewhere the rules did not allow.
 *
 * <p>A switched connect is answered with ADDFD (SETFD at the container's fd number,
 * O_CLOEXEC as the container's fd had it) and then a separate SEND with the connect's
 * result. ADDFD_FLAG_SEND (Linux 5.14) is not used: it makes the syscall return the
 * installed fd number, right for accept-like calls but wrong for connect and bind, which
 * return 0. A connect that fails at once (ENETUNREACH, ...) is answered with its errno and
 * nothing is injected: the container keeps its own unconnected socket, as after a failed
 * connect without bypass. One that is in progress (any blocking connect to a remote host,
 * and EINPROGRESS of a non-blocking socket) injects the connecting host socket right
 * away, on which the container's later poll and getsockopt(SO_ERROR) then act; a blocking
 * one is answered when its handshake ended (ECONNREFUSED, ETIMEDOUT or 0).
 */
public final class SocketSwitcher {

    private static final Logger LOG = Logger.getLogger(SocketSwitcher.class.getName());
    /** How long a blocking connect may hold the container's receive thread before it is deferred. */
    static final long QUICK_WAIT_MILLIS = 1;
    /** SOMAXCONN's default since Linux 5.4; the kernel caps it with net.core.somaxconn. */
    private static final int LISTEN_BACKLOG = 4096;

    private final ConnectRules connectRules;
    private final BindRules bindRules;
    private final ConnectWaiter waiter;
    private final BypassStats stats;
    private final long quickWaitMillis;
    private final GuardedCalls guarded;
    /** A switched TCP socket goes into the container only once connected: see {@link #degradations}. */
    private final boolean injectWhenConnected;
    private final AtomicBoolean bindNotSwitchedLogged = new AtomicBoolean();
    private final SocketFiles files;

    /**
     * @param quickWaitMillis {@link #QUICK_WAIT_MILLIS}, or 0 to defer every connect still in progress
     * @param guarded         what the container's filter notifies
     * @param files           the container's socket files the agent made (shared with its SendGuard)
     */
    SocketSwitcher(ConnectRules connectRules, BindRules bindRules, ConnectWaiter waiter, BypassStats stats,
            long quickWaitMillis, GuardedCalls guarded, SocketFiles files) {
        this.files = files;
        this.connectRules = connectRules;
        this.bindRules = bindRules;
        this.waiter = waiter;
        this.stats = stats;
        this.quickWaitMillis = quickWaitMillis;
        this.guarded = guarded;
        this.injectWhenConnected = !guarded.sends() || !guarded.listen();
    }

    /**
     * What the switch leaves out when the filter does not notify sends or listen, which a
     * host socket in the container could then make natively, in the host's namespace:
     * <ul>
     * <li>sends not notified: no UDP socket is switched (a switched one could sendto the
     *     host's 127.0.0.1); connects and binds of UDP sockets stay in the container;</li>
     * <li>sends or listen not notified: a host socket is in the container only while it is
     *     connected or listening, never unconnected (from which sendto with MSG_FASTOPEN
     *     would connect it anywhere, and listen would bind it to a host port nobody
     *     published). So a switched TCP connect goes in once its handshake succeeded (a
     *     failed one leaves the container its own socket) and a published TCP bind's host
     *     socket listens from the bind on. A TCP socket connected or listening cannot be
     *     connected again: EISCONN; connect with AF_UNSPEC, which would make it
     *     unconnected, is notified and refused on host sockets.</li>
     * </ul>
     */
    static String degradations(GuardedCalls guarded) {
        List<String> d = new java.util.ArrayList<>();
        if (!guarded.socketcall()) {
            d.add("nothing is switched (the i386 socketcall runs unseen)");
            return String.join("; ", d);
        }
        if (!guarded.sends()) {
            d.add("UDP sockets are not switched");
        }
        if (!guarded.sends() || !guarded.listen()) {
            d.add("switched TCP connects go into the container once connected");
            d.add("published TCP ports listen from the bind on");
        }
        return String.join("; ", d);
    }

    /** connect(fd, addr, addrlen) from the target. */
    public void connect(NotificationContext ctx) {
        Target t = target(ctx);
        if (t == null) {
            return;
        }
        ContainerSocket sock = t.socket;
        try {
            if (!sock.kind().isInet()) {
                // Never a host socket (only TCP and UDP are switched): connected by the
                // agent in the container's namespace, AF_UNIX paths in its tree.
                stats.verdict(Verdict.NOT_INET);
                connectPinned(ctx, sock, t.address);
                return;
            }
            Destination dest = t.address;
            Verdict v = connectRules.forDestination(dest);
            Destination target = dest;
            if (v == Verdict.LOOPBACK || v == Verdict.CONTAINER_SUBNET) {
                Optional<Destination> self = bindRules.selfConnect(sock.kind(), dest);
                if (self.isPresent()) {
                    target = self.get();
                    v = Verdict.SWITCH;
                }
            }
            if (sock.isHostSocket()) {
                connectSwitchedAgain(ctx, sock, target, v);
                return;
            }
            if (v.switches()) {
                v = connectRules.forSocket(sock.kind(), target, inet(sock.localAddress()));
            }
            if (v.switches() && !guarded.switches(sock.kind().isUdp())) {
                v = guarded.socketcall() ? Verdict.SENDS_NOT_GUARDED : Verdict.SOCKETCALL_NOT_GUARDED;
                stats.notSwitched(v, false);
            }
            stats.verdict(v);
            if (v.switches()) {
                switchConnect(ctx, sock, target);
                // Answered (or handed to the waiter): the next switch's socket, made now.
                SpareHostSockets.replenish(sock.kind());
            } else {
                connectInContainer(ctx, sock, dest);
            }
        } catch (IOException | RuntimeException e) {
            sock.close();
            fail(ctx, "connect", e);
        }
    }

    /** bind(fd, addr, addrlen) from the target. */
    public void bind(NotificationContext ctx) {
        Target t = target(ctx);
        if (t == null) {
            return;
        }
        try (ContainerSocket sock = t.socket) {
            if (!sock.kind().isInet()) {
                stats.verdict(Verdict.NOT_INET);
                bindPinned(ctx, sock, t.address);
                return;
            }
            if (sock.isHostSocket()) {
                // Already switched, so already connected or bound on the host: binding it
                // again fails natively with EINVAL, and the kernel must not bind it on the
                // container's behalf (the address could have been rewritten meanwhile).
                answer(ctx, Errno.EINVAL);
                return;
            }
            Optional<io.jnerd.netns.PortMapping> port = bindRules.forBind(sock.kind(), t.address);
            if (port.isPresent() && !guarded.switches(sock.kind().isUdp())) {
                stats.notSwitched(guarded.socketcall() ? Verdict.SENDS_NOT_GUARDED : Verdict.SOCKETCALL_NOT_GUARDED, true);
                String what = (sock.kind().isUdp() ? "UDP" : "TCP") + " port " + port.get().containerPort();
                if (bindNotSwitchedLogged.compareAndSet(false, true)) {
                    LOG.warning(() -> "bypass: " + ctx.container().containerId() + ": published " + what
                            + " stays in the container: " + (guarded.socketcall()
                            ? "its filter does not notify sends, which a switched UDP socket could aim at the host's loopback"
                            : "its filter lets the i386 socketcall run unseen"));
                }
                port = Optional.empty();
            }
            if (port.isEmpty()) {
                stats.verdict(bindRules.whyNot(t.address));
                answer(ctx, ContainerBind.bind(sock, t.address, ctx.pid()));
                return;
            }
            stats.verdict(Verdict.SWITCH);
            switchBind(ctx, sock, port.get());
            SpareHostSockets.replenish(sock.kind());
        } catch (IOException | RuntimeException e) {
            fail(ctx, "bind", e);
        }
    }

    /** The pinned socket and the address, or null when the notification was answered already. */
    private Target target(NotificationContext ctx) {
        int fd = (int) ctx.arg(0);
        int length = (int) ctx.arg(2);
        if (length <= 0 || length > SockAddr.MAX_SIZE) {
            answer(ctx, Errno.EINVAL);
            return null;
        }
        byte[] raw = new byte[length];
        try {
            ctx.readMemoryFully(ctx.arg(1), raw, 0, length);
        } catch (IOException e) {
            answer(ctx, Errno.EFAULT);
            return null;
        }
        ContainerSocket sock;
        try {
            // The copy is checked with NOTIF_ID_VALID after it was made, so the memory
            // just read and the socket both belong to the notified target.
            sock = ContainerSocket.fetch(ctx, fd);
        } catch (SyscallException e) {
            // EBADF from pidfd_getfd: no such fd, what the syscall itself would say.
            answer(ctx, e.errno());
            return null;
        } catch (IOException e) {
            fail(ctx, "fetch socket", e);
            return null;
        }
        if (sock == null) {
            answer(ctx, Errno.ENOTSOCK);
            return null;
        }
        return new Target(sock, Destination.decode(raw));
    }

    private static final class Target {
        final ContainerSocket socket;
        final Destination address;

        Target(ContainerSocket socket, Destination address) {
            this.socket = socket;
            this.address = address;
        }
    }

    /**
     * A new host socket like the container's, connected by the agent, injected unless the
     * connect failed at once. A blocking connect still in progress is injected before its
     * answer: the ADDFD round trip to the target (two wake-ups) then overlaps the handshake
     * instead of following it, and should the connect fail later, the container holds the
     * failed host socket, as a non-blocking connect that failed after EINPROGRESS leaves it.
     */
    private void switchConnect(NotificationContext ctx, ContainerSocket sock, Destination target) throws IOException {
        int flags = sock.statusFlags();
        boolean nonBlocking = (flags & OpenFlags.O_NONBLOCK) != 0;
        boolean closeOnExec = sock.isCloseOnExec();
        int fd = sock.fd();
        Fd host = hostSocketLike(sock);
        // From here on the host socket is all that matters.
        sock.close();
        try {
            int errno = Sockets.tryConnect(host, target.sockAddr());
            if (errno != 0 && errno != Errno.EINPROGRESS) {
                host.close();
                answer(ctx, errno);
                return;
            }
            if (injectWhenConnected) {
                stats.connectInjectedWhenConnected();
                if (errno == 0) {
                    injectConnected(ctx, host, fd, flags, closeOnExec, 0);
                } else {
                    awaitThen(ctx, host, result -> injectConnected(ctx, host, fd, flags, closeOnExec, result));
                }
                return;
            }
            if (!inject(ctx, host, fd, flags, closeOnExec)) {
                host.close();
                return;
            }
            answerConnect(ctx, errno, nonBlocking, host, host::close);
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /**
     * The end of a switched connect whose host socket goes in only when connected: in on
     * 0, then answered 0; on an error answered with it, and the container keeps its own
     * socket, as after a failed connect without bypass. A non-blocking connect so gets 0
     * or the error instead of EINPROGRESS, which connect(2) allows.
     */
    private void injectConnected(NotificationContext ctx, Fd host, int fd, int flags, boolean closeOnExec, int result) {
        try {
            if (result == 0 && !inject(ctx, host, fd, flags, closeOnExec)) {
                return;
            }
            answer(ctx, result);
        } finally {
            host.close();
        }
    }

    /**
     * Installs the connected (or connecting) host socket at the container's fd.
     *
     * @return false when the target is gone (nothing to answer) or it failed (answered)
     */
    private boolean inject(NotificationContext ctx, Fd host, int fd, int flags, boolean closeOnExec) {
        try {
            // After ADDFD the container shares this open file, and so its status flags. A
            // non-blocking container socket (Go's, an event loop's) has the host socket's
            // already: one fcntl fewer.
            if (flags != SpareHostSockets.STATUS_FLAGS) {
                Sockets.setFileStatusFlags(host, flags);
            }
            // ADDFD fails with ENOENT when the target went away: no separate check needed.
            ctx.addFd(host, fd, closeOnExec);
            stats.connectSwitched();
            return true;
        } catch (SyscallException e) {
            if (!e.is(Errno.ENOENT)) {
                fail(ctx, "inject connected socket", e);
            }
            return false;
        }
    }

    /** Not switched: the agent connects the pinned container socket, in the container's namespace. */
    private void connectInContainer(NotificationContext ctx, ContainerSocket sock, Destination dest)
            throws IOException {
        if (dest.sockAddr() == null || !dest.sockAddr().isInet()) {
            // AF_UNSPEC (disconnect), a short or foreign sockaddr: the kernel judges the
            // bytes as given, on the pinned container socket.
            agentConnect(ctx, sock, SockAddr.opaque(dest.raw()));
            return;
        }
        agentConnect(ctx, sock, dest.sockAddr());
    }

    /**
     * A socket that is not AF_INET/AF_INET6, connected by the agent on its pinned copy to
     * the address as read ({@link PinnedAddress}: AF_UNIX paths resolved in the target's
     * tree, netlink groups only with its CAP_NET_ADMIN). A refusal is answered quietly.
     */
    private void connectPinned(NotificationContext ctx, ContainerSocket sock, Destination dest) throws IOException {
        PinnedAddress to;
        try {
            to = PinnedAddress.forPeer(ctx, sock, dest.raw(), files);
        } catch (SyscallException e) {
            sock.close();
            refused(ctx, sock, "connect", e);
            return;
        }
        try (to) {
            agentConnect(ctx, sock, to::tryConnect);
        }
    }

    /** bind of a socket that is not AF_INET/AF_INET6 on its pinned copy, as {@link #connectPinned}. */
    private void bindPinned(NotificationContext ctx, ContainerSocket sock, Destination dest) throws IOException {
        try (PinnedAddress at = PinnedAddress.forBind(ctx, sock, dest.raw())) {
            at.bind(sock.copy());
            at.bound(ctx, files);
            answer(ctx, 0);
        } catch (SyscallException e) {
            refused(ctx, sock, "bind", e);
        }
    }

    /** What the agent's own call or its checks gave (EACCES, EPERM, ENOENT, EADDRINUSE): the target's answer. */
    private static void refused(NotificationContext ctx, ContainerSocket sock, String call, SyscallException e) {
        LOG.fine(() -> "bypass: " + sock + ": " + call + ": " + e.getMessage());
        answer(ctx, e.errno());
    }

    /**
     * The container's fd is a host socket already (an earlier switch). Connecting it again
     * happens in the agent, to an allowed destination only: the kernel would connect it in
     * the host's namespace, where loopback is the host's.
     */
    private void connectSwitchedAgain(NotificationContext ctx, ContainerSocket sock, Destination target, Verdict v)
            throws IOException {
        stats.verdict(v);
        if (v == Verdict.LOOPBACK || v == Verdict.LINK_LOCAL || v == Verdict.NOT_UNICAST
                || v == Verdict.CONTAINER_SUBNET || v == Verdict.IGNORED_CIDR) {
            sock.close();
            answer(ctx, Errno.ENETUNREACH);
            return;
        }
        if (target.sockAddr() == null) {
            sock.close();
            answer(ctx, target.family() == SockAddr.AF_UNSPEC || target.family() == SockAddr.AF_UNIX
                    ? Errno.EAFNOSUPPORT : Errno.EINVAL);
            return;
        }
        agentConnect(ctx, sock, target.sockAddr());
    }

    /** connect on the pinned socket itself (no injection), waiting off-thread if it blocks. */
    private void agentConnect(NotificationContext ctx, ContainerSocket sock, SockAddr address) throws IOException {
        agentConnect(ctx, sock, s -> Sockets.tryConnect(s, address));
    }

    /** How the agent connects its pinned copy: 0 or the errno. */
    private interface Connect {
        int tryConnect(Fd socket) throws IOException;
    }

    /** As above, by {@code connect} ({@link PinnedAddress#tryConnect}: as the target on AF_UNIX). */
    private void agentConnect(NotificationContext ctx, ContainerSocket sock, Connect connect) throws IOException {
        int flags = sock.statusFlags();
        boolean nonBlocking = (flags & OpenFlags.O_NONBLOCK) != 0;
        Fd s = sock.copy();
        int errno;
        if (nonBlocking) {
            errno = connect.tryConnect(s);
        } else {
            // Briefly non-blocking (the flag is the container's too): the wait happens in
            // the waiter, not in a connect that holds this thread.
            Sockets.setFileStatusFlags(s, flags | OpenFlags.O_NONBLOCK);
            try {
                errno = connect.tryConnect(s);
            } finally {
                Sockets.setFileStatusFlags(s, flags);
            }
        }
        answerConnect(ctx, errno, nonBlocking, s, sock::close);
    }

    /**
     * Answers a connect the agent made on {@code connecting}: at once, or, for a blocking one
     * still in progress, when its handshake ended. {@code release} runs just before the answer.
     */
    private void answerConnect(NotificationContext ctx, int errno, boolean nonBlocking, Fd connecting, Runnable release)
            throws SyscallException {
        int result = errno;
        if (result == Errno.EINPROGRESS && !nonBlocking && quickWaitMillis > 0 && isEstablished(connecting)) {
            // The common case of a peer on this machine: established within the connect
            // call, so answered here, without a continuation for the wait.
            result = 0;
        }
        if (result == Errno.EINPROGRESS && !nonBlocking) {
            awaitHandshake(ctx, connecting, r -> {
                release.run();
                answer(ctx, r);
            });
            return;
        }
        release.run();
        answer(ctx, result);
    }

    /**
     * Waits for a blocking connect: {@code quickWaitMillis} here (a handshake with a host
     * nearby is done by then, and answering inline spares two thread hand-offs), then, if
     * it is still going, defers the answer to the waiter; the container's next
     * notifications are served meanwhile.
     */
    private void awaitThen(NotificationContext ctx, Fd socket, IntConsumer then) throws SyscallException {
        if (quickWaitMillis > 0 && isEstablished(socket)) {
            then.accept(0);
            return;
        }
        awaitHandshake(ctx, socket, then);
    }

    /** {@link #awaitThen} for a connect already seen not established: the quick wait, then the waiter. */
    private void awaitHandshake(NotificationContext ctx, Fd socket, IntConsumer then) throws SyscallException {
        int[] revents = new int[1];
        if (quickWaitMillis > 0 && Poll.poll(new Fd[] {socket}, new int[] {Poll.POLLOUT}, revents, quickWaitMillis) > 0) {
            then.accept(Sockets.getIntOption(socket, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
            return;
        }
        long timeout = Sockets.sendTimeoutNanos(socket);
        ctx.defer();
        boolean queued = waiter.await(socket, timeout, () -> stillValid(ctx), new ConnectWaiter.Completion() {
            @Override
            public void completed(int errno) {
                then.accept(errno);
            }

            @Override
            public void abandoned() {
                socket.close();
                // Nobody waits, but the context must be closed all the same.
                answer(ctx, Errno.EINTR);
            }
        });
        if (!queued) {
            socket.close();
            stats.error();
            answer(ctx, Errno.ENOBUFS);
        }
    }

    /**
     * Whether the handshake is over already: with a peer on this machine (another network
     * namespace, loopback) the kernel runs it within the connect call itself, while it
     * releases the socket lock. One getsockopt instead of a poll and an SO_ERROR read.
     */
    private static boolean isEstablished(Fd socket) throws SyscallException {
        byte state = Sockets.tcpState(socket);
        // CLOSE_WAIT: established, and the peer's FIN came already (a server that answers and closes at once).
        return state == Sockets.TCP_ESTABLISHED || state == Sockets.TCP_CLOSE_WAIT;
    }

    static boolean stillValid(NotificationContext ctx) {
        try {
            return ctx.isValid();
        } catch (SyscallException e) {
            return false;
        }
    }

    /** A host socket bound to the mapping's host port, injected in place of the container's. */
    private void switchBind(NotificationContext ctx, ContainerSocket sock, io.jnerd.netns.PortMapping port)
            throws IOException {
        boolean closeOnExec = sock.isCloseOnExec();
        int flags = sock.statusFlags();
        try (Fd host = hostSocketLike(sock)) {
            Sockets.setFileStatusFlags(host, flags);
            try {
                Sockets.bind(host, bindRules.hostBindAddress(sock.kind().family(), port).sockAddr());
            } catch (SyscallException e) {
                // EADDRINUSE, EACCES: what the container would see had its bind failed.
                answer(ctx, e.errno());
                return;
            }
            if (injectWhenConnected && sock.kind().isTcp()) {
                // Listening, it can neither connect nor fast-open (EISCONN); the
                // container's own listen later only sets the backlog.
                Sockets.listen(host, LISTEN_BACKLOG);
                stats.bindListeningAtOnce();
            }
            if (!ctx.isValid()) {
                return;
            }
            ctx.addFd(host, sock.fd(), closeOnExec);
            bindRules.markBound(port, host);
            stats.bindSwitched();
            answer(ctx, 0);
        }
    }

    /** socket(2) in the agent's namespace with the container socket's kind and options. */
    private static Fd hostSocketLike(ContainerSocket sock) throws SyscallException {
        SocketKind k = sock.kind();
        Fd host = SpareHostSockets.take(k);
        List<String> notCopied;
        try {
            notCopied = OptionCopier.copy(sock.copy(), host, k);
        } catch (SyscallException | RuntimeException e) {
            host.close();
            throw e;
        }
        if (!notCopied.isEmpty()) {
            LOG.warning(() -> "bypass: " + sock + ": options not copied: " + String.join("; ", notCopied));
        }
        return host;
    }

    private static InetSocketAddress inet(SockAddr local) {
        return local.isInet() ? local.toInetSocketAddress() : null;
    }

    /** Answers 0 (success) or the errno. */
    private static void answer(NotificationContext ctx, int errno) {
        Answers.result(ctx, -errno);
    }

    /** One line naming pid, syscall and errno; the target gets the errno (EIO if none). */
    private void fail(NotificationContext ctx, String step, Exception e) {
        stats.error();
        int errno = e instanceof SyscallException ? ((SyscallException) e).errno() : Errno.EIO;
        LOG.log(Level.WARNING, "bypass: " + ctx + ": " + step + ": " + e.getMessage()
                + " (answered " + Errno.name(errno) + ")", LOG.isLoggable(Level.FINE) ? e : null);
        answer(ctx, errno);
    }
}
