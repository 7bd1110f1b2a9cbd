package io.jnerd.netns.bypass;

import io.jnerd.netns.Cidr;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.InterfaceSubnets;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.SwitchScope;
import io.jnerd.seccomp.notify.NotificationContext;
import io.jnerd.seccomp.notify.NotificationHandler;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The bypass4netns policy as a seccomp {@link NotificationHandler}: {@code connect} and
 * {@code bind} go to the {@link SocketSwitcher}, sends with a destination to the
 * {@link SendGuard}, listen to the {@link ListenGuard}; everything else nerdctl's profile
 * notifies (close, setsockopt, fcntl, getpeername, _exit, exit_group) is answered CONTINUE
 * at once, because the switch reads a socket's options and flags from the socket itself
 * when it switches it and keeps no per-socket state to update. A call through a compat ABI
 * (i386, x32, 32-bit ARM) never reaches the switch: {@link CompatCalls} answers it first.
 *
 * <p>One handler serves one container (its subnets and published ports); give each its
 * own {@link io.jnerd.seccomp.notify.Supervisor}, whose stats then are the container's
 * (bypassd's SupervisedBypassFactory does). The {@link ConnectWaiter} may be shared by all
 * containers of a daemon.
 */
public final class BypassHandler implements NotificationHandler {

    /**
     * What jnerd's own profile always sends to the agent. listen is rare, and lets the
     * agent keep host sockets from listening on ports nobody published. sendmsg and sendmmsg
     * carry their destination in memory, which a seccomp filter cannot read; sendto is
     * notified only when its address argument is set ({@link BypassProfile}), so send(2)
     * stays native. socketcall is i386's multiplexer of every socket call: the base
     * profile allows it, and libseccomp then lets an i386 socketcall(SYS_CONNECT) through
     * natively although connect is notified, so it is notified too (and refused as any
     * compat socket call: {@link CompatCalls}).
     */
    public static final List<String> NOTIFIED_SYSCALLS = List.of("connect", "bind", "listen", "sendmsg", "sendmmsg",
            "socketcall");

    private static final Logger LOG = Logger.getLogger(BypassHandler.class.getName());

    private final IgnoreRules ignore;
    private final List<Cidr> givenSubnets;
    private final BindRules bindRules;
    private final ListenGuard listenGuard;
    private final ConnectWaiter waiter;
    private final BypassStats stats = new BypassStats();
    private final long quickWaitMillis;
    /** What the container's filter notifies; null: read from its bundle at the first notification. */
    private final GuardedCalls givenGuarded;
    private volatile SocketSwitcher switcher;
    private volatile SendGuard guard;

    /**
     * A handler that learns the container's own subnets at its first notification, from the
     * network namespace of the notifying process ({@link InterfaceSubnets}): by then the
     * runtime made the namespace and slirp4netns or pasta configured it.
     *
     * @param ignore    {@code --bypass-ignore} / bypass4netnsd's ignoreSubnets ("auto" included)
     * @param published the {@code -p} mappings, host ports resolved; empty for ignoreBind
     * @param waiter    finishes blocking connects
     */
    public BypassHandler(IgnoreRules ignore, List<PortMapping> published, ConnectWaiter waiter) {
        this(ignore, published, waiter, BindRules.Memory.NONE);
    }

    /**
     * As above, the host sockets bound for {@code published} recalled from and kept in
     * {@code bound} (bypassd's state file), so a restarted daemon still maps the container's
     * connects to its own published ports and lets those sockets listen.
     */
    public BypassHandler(IgnoreRules ignore, List<PortMapping> published, ConnectWaiter waiter, BindRules.Memory bound) {
        this(ignore, null, published, waiter, SocketSwitcher.QUICK_WAIT_MILLIS, null, bound);
    }

    /**
     * A handler for a container whose own subnets are known ({@code ownSubnets}, null: learn
     * them); with {@code quickWaitMillis} 0 every blocking connect still in progress goes to
     * the waiter (tests); {@code guarded} null: what the container's filter notifies is read
     * from its bundle ({@link GuardedCalls#of(io.jnerd.seccomp.ContainerState)}).
     */
    BypassHandler(IgnoreRules ignore, List<Cidr> ownSubnets, List<PortMapping> published, ConnectWaiter waiter,
            long quickWaitMillis, GuardedCalls guarded) {
        this(ignore, ownSubnets, published, waiter, quickWaitMillis, guarded, BindRules.Memory.NONE);
    }

    private BypassHandler(IgnoreRules ignore, List<Cidr> ownSubnets, List<PortMapping> published, ConnectWaiter waiter,
            long quickWaitMillis, GuardedCalls guarded, BindRules.Memory bound) {
        this.givenGuarded = guarded;
        this.ignore = ignore;
        this.givenSubnets = ownSubnets == null ? null : List.copyOf(ownSubnets);
        this.bindRules = new BindRules(published, bound);
        this.listenGuard = new ListenGuard(bindRules, stats);
        this.waiter = waiter;
        this.quickWaitMillis = quickWaitMillis;
    }

    /**
     * Calls the bypass performs itself or refuses, in every ABI: a CONTINUE of one, by any
     * path of this handler, becomes EPERM in the supervisor (and is counted there).
     */
    static final Set<String> NEVER_CONTINUED = Set.of("connect", "bind", "listen", "sendto", "sendmsg", "sendmmsg",
            "socketcall");

    @Override
    public Set<String> neverContinue() {
        return NEVER_CONTINUED;
    }

    /**
     * What nerdctl's profile notifies beyond the calls above, answered CONTINUE by the
     * supervisor on the receiving thread before any other work: the switch reads a socket's
     * options and flags when it switches it and keeps no per-socket state these would
     * update. (nerdctl also names "_exit", which is no syscall; runc skips it.)
     */
    static final Set<String> CONTINUED_AT_ONCE = Set.of("close", "fcntl", "setsockopt", "getpeername", "exit",
            "exit_group");

    @Override
    public Set<String> continueAtOnce() {
        return CONTINUED_AT_ONCE;
    }

    @Override
    public void handle(NotificationContext ctx) throws Exception {
        // Compat ABIs first: their numbers and structs are not the native ones, so their
        // calls never reach the native switch below.
        if (ctx.isCompat()) {
            CompatCalls.answer(ctx, ctx.compatAbi().orElseThrow(), stats);
            return;
        }
        switch (ctx.syscallName()) {
            case "connect":
                switcher(ctx).connect(ctx);
                break;
            case "bind":
                switcher(ctx).bind(ctx);
                break;
            case "listen":
                listenGuard.listen(ctx);
                break;
            case "sendto":
                guard(ctx).sendto(ctx);
                break;
            case "sendmsg":
                guard(ctx).sendmsg(ctx);
                break;
            case "sendmmsg":
                guard(ctx).sendmmsg(ctx);
                break;
            default:
                ctx.respondContinue();
        }
    }

    public BypassStats stats() {
        return stats;
    }

    private SocketSwitcher switcher(NotificationContext ctx) {
        SocketSwitcher s = switcher;
        if (s == null) {
            synchronized (this) {
                s = switcher;
                if (s == null) {
                    List<Cidr> own = givenSubnets != null ? givenSubnets : subnetsOf(ctx);
                    ConnectRules rules = new ConnectRules(SwitchScope.of(ignore, own), own);
                    GuardedCalls guarded = givenGuarded != null ? givenGuarded : GuardedCalls.of(ctx.container());
                    if (!guarded.equals(GuardedCalls.ALL)) {
                        LOG.info(() -> "bypass: " + ctx.container().containerId() + ": its filter notifies "
                                + (guarded.sends() ? "" : "no send") + (guarded.sends() || guarded.listen() ? "" : " and ")
                                + (guarded.listen() ? "" : "no listen") + ": " + SocketSwitcher.degradations(guarded));
                    }
                    // Set before the switcher, whose volatile write publishes both.
                    SocketFiles files = new SocketFiles();
                    guard = new SendGuard(rules, waiter, stats, files);
                    s = new SocketSwitcher(rules, bindRules, waiter, stats, quickWaitMillis, guarded, files);
                    switcher = s;
                }
            }
        }
        return s;
    }

    private SendGuard guard(NotificationContext ctx) {
        switcher(ctx);
        return guard;
    }

    private static List<Cidr> subnetsOf(NotificationContext ctx) {
        try {
            List<Cidr> own = InterfaceSubnets.of(ctx.pid());
            LOG.fine(() -> "bypass: " + ctx.container().containerId() + " has subnets " + own);
            return own;
        } catch (IOException e) {
            LOG.warning(() -> "bypass: " + ctx.container().containerId() + ": cannot read its subnets (" + e.getMessage()
                    + "); only loopback and the ignore rules stay in the container");
            return List.of();
        }
    }
}
