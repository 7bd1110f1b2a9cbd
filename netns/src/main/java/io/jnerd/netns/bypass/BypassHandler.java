package io.jnerd.netns.bypass;

import io.jnerd.netns.Cidr;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.SwitchScope;
import io.jnerd.seccomp.notify.NotificationContext;
import io.jnerd.seccomp.notify.NotificationHandler;
import java.util.List;

/**
 * The bypass4netns policy as a seccomp {@link NotificationHandler}: {@code connect} and
 * {@code bind} go to the {@link SocketSwitcher}; everything else nerdctl's profile
 * notifies (close, setsockopt, fcntl, getpeername, _exit, exit_group) is answered CONTINUE
 * at once, because the switch reads a socket's options and flags from the socket itself
 * when it switches it and keeps no per-socket state to update.
 *
 * <p>One handler serves one container (its subnets and published ports); give each its
 * own {@link io.jnerd.seccomp.notify.Supervisor}, whose stats then are the container's.
 * The {@link ConnectWaiter} may be shared by all containers of a daemon.
 */
public final class BypassHandler implements NotificationHandler {

    /** What jnerd's own profile sends to the agent: nothing else is needed. */
    public static final List<String> NOTIFIED_SYSCALLS = List.of("connect", "bind");

    private final SocketSwitcher switcher;
    private final BypassStats stats = new BypassStats();

    /**
     * @param scope      the ignore rules and own subnets ({@link SwitchScope#of})
     * @param ownSubnets the subnets of the container's own interfaces
     * @param published  the {@code -p} mappings, host ports resolved
     * @param waiter     finishes blocking connects
     */
    public BypassHandler(SwitchScope scope, List<Cidr> ownSubnets, List<PortMapping> published, ConnectWaiter waiter) {
        this.switcher = new SocketSwitcher(new ConnectRules(scope, ownSubnets), new BindRules(published), waiter, stats);
    }

    @Override
    public void handle(NotificationContext ctx) throws Exception {
        switch (ctx.syscallName()) {
            case "connect":
                switcher.connect(ctx);
                break;
            case "bind":
                switcher.bind(ctx);
                break;
            default:
                ctx.respondContinue();
        }
    }

    public BypassStats stats() {
        return stats;
    }
}
