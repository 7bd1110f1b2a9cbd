package io.jnerd.netns.bypassd;

import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.bypass.BypassHandler;
import io.jnerd.netns.bypass.ConnectWaiter;
import io.jnerd.netns.bypass.GuardedCalls;
import io.jnerd.netns.bypass.Verdict;
import io.jnerd.seccomp.agent.SeccompAgentServer;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.notify.SupervisorStats;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The bypass behind the API: the seccomp agent socket at the spec's {@code socketPath}
 * (runc/crun hand over the container's notify fd there), a {@link Supervisor} serving that
 * fd with a {@link BypassHandler} built from the spec's portMapping, ignoreSubnets and
 * ignoreBind, and the spec's pid file. One supervisor per bypass, so its stats are the
 * container's; the connect waiter's thread is shared by all bypasses of the daemon, its
 * limit of waiting connects is each container's own ({@link ConnectWaiter#forContainer}).
 */
public final class SupervisedBypassFactory implements BypassFactory {

    private final ConnectWaiter waiter;

    public SupervisedBypassFactory(ConnectWaiter waiter) {
        this.waiter = waiter;
    }

    @Override
    public Bypass start(BypassSpec spec, Consumer<String> log) throws BypassException {
        List<PortMapping> published = Boolean.TRUE.equals(spec.ignoreBind()) ? List.of() : portMappings(spec);
        ConnectWaiter containerWaiter = waiter.forContainer();
        BypassHandler handler = new BypassHandler(BypassSpecs.ignoreRules(spec), published, containerWaiter);
        Supervisor supervisor = new Supervisor(handler);
        Path socketPath = Path.of(spec.socketPath());
        AtomicReference<List<String>> notSwitched = new AtomicReference<>(List.of());
        SeccompAgentServer agent;
        try {
            agent = SeccompAgentServer.start(socketPath, (state, listener) -> {
                // Read now, while runc waits on the agent socket (its bundle is reached
                // through it), and before the first notification asks the same.
                GuardedCalls.Reading guarded = GuardedCalls.read(state);
                supervisor.supervise(state, listener);
                log.accept("bypass " + spec.id() + ": supervising container pid " + state.pid());
                List<String> lines = new ArrayList<>();
                if (guarded.problem() != null) {
                    lines.add(guarded.problem());
                }
                lines.addAll(guarded.calls().degradations());
                notSwitched.set(List.copyOf(lines));
                if (!lines.isEmpty()) {
                    log.accept("bypass " + spec.id() + ": container " + state.containerId() + ": " + String.join("; ", lines));
                }
            });
        } catch (IOException | RuntimeException e) {
            supervisor.close();
            containerWaiter.close();
            throw new BypassException(400, "cannot create socketPath " + socketPath + ": " + e.getMessage(), e);
        }
        Running bypass = new Running(spec, handler, supervisor, agent, containerWaiter, notSwitched);
        if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
            try {
                // Not through a symbolic link planted after ClientPaths looked (O_NOFOLLOW).
                Files.writeString(Path.of(spec.pidFilePath()), ProcessHandle.current().pid() + "\n",
                        StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, ClientPaths.NO_FOLLOW);
            } catch (IOException e) {
                try {
                    bypass.close();
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw new BypassException(400, "cannot write pidFilePath " + spec.pidFilePath() + ": " + e.getMessage(), e);
            }
        }
        return bypass;
    }

    /**
     * bypass4netnsd's PortSpecs as port mappings: one per protocol (tcp4/tcp6 are TCP: the
     * switched socket keeps the family the container chose), host address empty = all.
     */
    static List<PortMapping> portMappings(BypassSpec spec) {
        List<PortMapping> out = new ArrayList<>();
        if (spec.portMapping() == null) {
            return out;
        }
        for (PortSpec p : spec.portMapping()) {
            InetAddress hostIp = p.parentIP() == null || p.parentIP().isEmpty() ? null : IpLiteral.parse(p.parentIP());
            Set<Protocol> protocols = new LinkedHashSet<>();
            for (String proto : p.protos()) {
                protocols.add(Protocol.parse(proto.substring(0, 3)));
            }
            for (Protocol protocol : protocols) {
                out.add(new PortMapping(hostIp, p.parentPort(), p.childPort(), protocol));
            }
        }
        return out;
    }

    private static final class Running implements Bypass {

        private final BypassSpec spec;
        private final BypassHandler handler;
        private final Supervisor supervisor;
        private final SeccompAgentServer agent;
        private final ConnectWaiter waiter;
        private final AtomicReference<List<String>> notSwitched;
        private boolean closed;

        Running(BypassSpec spec, BypassHandler handler, Supervisor supervisor, SeccompAgentServer agent,
                ConnectWaiter waiter, AtomicReference<List<String>> notSwitched) {
            this.spec = spec;
            this.handler = handler;
            this.supervisor = supervisor;
            this.agent = agent;
            this.waiter = waiter;
            this.notSwitched = notSwitched;
        }

        @Override
        public List<String> notSwitched() {
            return notSwitched.get();
        }

        @Override
        public BypassStatsReport stats() {
            SupervisorStats s = supervisor.stats();
            io.jnerd.netns.bypass.BypassStats b = handler.stats();
            Map<String, Long> verdicts = new TreeMap<>();
            for (Verdict v : Verdict.values()) {
                long n = b.verdicts(v);
                if (n > 0) {
                    verdicts.put(v.name(), n);
                }
            }
            return new BypassStatsReport(spec.id(), new TreeMap<>(s.bySyscall()), b.connectsSwitched(), b.bindsSwitched(),
                    b.refusedOnHostSockets(), b.errors() + s.handlerFailures(), s.p50Nanos() / 1000.0, s.p99Nanos() / 1000.0, verdicts,
                    agent.served(), agent.rejected(), notSwitched.get());
        }

        /** Stops taking containers, ends their sessions (the containers' notified syscalls then fail), removes files. */
        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                agent.close();
            } finally {
                supervisor.close();
                waiter.close();
                if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
                    Files.deleteIfExists(Path.of(spec.pidFilePath()));
                }
            }
        }
    }
}
