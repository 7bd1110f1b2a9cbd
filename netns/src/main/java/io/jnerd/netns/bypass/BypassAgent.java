package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.bypassd.BypassContext;
import io.jnerd.netns.bypassd.PortSpec;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.notify.NotificationContext;
import io.jnerd.seccomp.notify.NotificationHandler;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.notify.SupervisorStats;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One bypass of bypassd (one POST /v1/bypass): a {@link Supervisor} running a
 * {@link BypassHandler} built from the request's ports, ignore rules and ignoreBind, counting
 * into the request's counters. {@link #accept} is what the agent socket calls with each
 * container's state and seccomp listener (a seccomp {@code ListenerConsumer}).
 */
public final class BypassAgent implements AutoCloseable {

    private final BypassContext context;
    private final BypassStats stats;
    private final Supervisor supervisor;

    /** @param waiter finishes blocking connects; one may serve every bypass of the daemon */
    public BypassAgent(BypassContext context, ConnectWaiter waiter) {
        this.context = context;
        this.stats = new BypassStats(context.counters()::socketSwitched, context.counters()::error);
        List<PortMapping> published = context.ignoreBind() ? List.of() : portMappings(context.ports());
        NotificationHandler handler = new BypassHandler(context.ignoreRules(), published, waiter, stats);
        this.supervisor = new Supervisor(counted(handler));
    }

    /** Serves a container's listener until it exits; takes ownership of {@code listener}. */
    public void accept(ContainerState state, Fd listener) throws SyscallException {
        context.counters().agentConnection();
        supervisor.supervise(state, listener);
    }

    public BypassStats stats() {
        return stats;
    }

    /** Notifications per syscall and answer latency p50/p99, from the supervisor. */
    public SupervisorStats supervisorStats() {
        return supervisor.stats();
    }

    /** Ends every container session of this bypass. */
    @Override
    public void close() {
        supervisor.close();
    }

    /** The handler, timed into the daemon's counters (time in the handler: a deferred connect's wait is not in it). */
    private NotificationHandler counted(NotificationHandler handler) {
        return (NotificationContext ctx) -> {
            long start = System.nanoTime();
            try {
                handler.handle(ctx);
            } finally {
                context.counters().notification(ctx.syscallName(), System.nanoTime() - start);
            }
        };
    }

    /**
     * bypass4netnsd's port specs as mappings: {@code protos} are Go network names (tcp,
     * tcp4, tcp6, udp, ...), one mapping per protocol; an empty parentIP is every host
     * address. childIP is not used: a bind on any container address publishes the port.
     */
    static List<PortMapping> portMappings(List<PortSpec> specs) {
        Set<PortMapping> out = new LinkedHashSet<>();
        for (PortSpec p : specs) {
            InetAddress hostIp = p.parentIP() == null || p.parentIP().isEmpty() ? null : IpLiteral.parse(p.parentIP());
            for (String proto : p.protos()) {
                Protocol protocol = Protocol.parse(proto.toLowerCase(Locale.ROOT).replaceAll("[46]$", ""));
                out.add(new PortMapping(hostIp, p.parentPort(), p.childPort(), protocol));
            }
        }
        return new ArrayList<>(out);
    }
}
