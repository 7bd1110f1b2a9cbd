package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.bypass.BindRules;
import io.jnerd.netns.bypass.BypassHandler;
import io.jnerd.netns.bypass.ConnectWaiter;
import io.jnerd.netns.bypass.GuardedCalls;
import io.jnerd.netns.bypass.Verdict;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.agent.ListenerConsumer;
import io.jnerd.seccomp.agent.ListenerFds;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

    /** How long a detaching bypass lets connects the waiter finishes get their answer. */
    static final long DRAIN_MILLIS = 2_000;
    private static final AtomicLong LISTENERS = new AtomicLong();
    private static final String STARTED = Long.toString(System.currentTimeMillis(), 36);

    private final ConnectWaiter waiter;
    private final ListenerStore store;
    private final BypassStateFiles states;

    /** Bypasses that end with this process (a bypass served in {@code jnerd run} itself). */
    public SupervisedBypassFactory(ConnectWaiter waiter) {
        this(waiter, ListenerStore.none(), null);
    }

    /**
     * bypassd's: each listener kept in {@code store}, each bypass's state in {@code states}, so
     * a restart takes them over. A taken-over container may have notifications the previous
     * daemon received and never answered (it was killed, or stopped with a connect still under
     * way): they are restarted at each take-over ({@link OrphanedNotifications}).
     */
    SupervisedBypassFactory(ConnectWaiter waiter, ListenerStore store, BypassStateFiles states) {
        this.waiter = waiter;
        this.store = store;
        this.states = states;
    }

    @Override
    public Bypass start(BypassSpec spec, Consumer<String> log) throws BypassException {
        return open(new BypassState(spec, List.of()), new java.util.HashMap<>(), log);
    }

    /**
     * Serves {@code state} again after a restart: its agent socket anew, and each listener
     * {@code kept} still has (the others' containers are gone). Takes the fds it uses out of
     * {@code kept}.
     */
    @Override
    public Bypass resume(BypassState state, Map<String, Fd> kept, Consumer<String> log) throws BypassException {
        return open(state, kept, log);
    }

    private Bypass open(BypassState state, Map<String, Fd> kept, Consumer<String> log) throws BypassException {
        BypassSpec spec = state.spec();
        List<PortMapping> published = Boolean.TRUE.equals(spec.ignoreBind()) ? List.of() : portMappings(spec);
        ConnectWaiter containerWaiter = waiter.forContainer();
        PersistedBound bound = new PersistedBound(state.boundSockets());
        BypassHandler handler = new BypassHandler(BypassSpecs.ignoreRules(spec), published, containerWaiter, bound);
        Supervisor supervisor = new Supervisor(handler);
        Running bypass = new Running(new BypassState(spec, List.of(), state.bound()), handler, supervisor, containerWaiter, log);
        bound.owner = bypass;
        try {
            for (BypassState.Listener l : state.listeners()) {
                Fd fd = kept.remove(l.fd());
                if (fd == null) {
                    log.accept("bypass " + spec.id() + ": container " + l.container().containerId() + " is gone");
                } else if (!ListenerFds.isListener(fd)) {
                    fd.close();
                    log.accept("bypass " + spec.id() + ": kept fd " + l.fd() + " is no seccomp listener: dropped");
                } else {
                    OrphanedNotifications.release(l.container(), log);
                    bypass.take(l.container(), fd, l.fd());
                }
            }
            bypass.persist();
        } catch (IOException | RuntimeException e) {
            closeQuietly(bypass, e);
            throw new BypassException(500, "bypass " + spec.id() + ": " + e.getMessage(), e);
        }
        Path socketPath = Path.of(spec.socketPath());
        ListenerConsumer fromRunc = (container, listener) -> bypass.take(container, listener, null);
        Fd keptAgent = kept.remove(agentName(spec));
        if (keptAgent != null) {
            try {
                bypass.agent = SeccompAgentServer.resume(socketPath, keptAgent, fromRunc);
            } catch (IOException | RuntimeException e) {
                keptAgent.close();
                log.accept("bypass " + spec.id() + ": the kept agent socket is not taken over (" + e.getMessage()
                        + "): containers created while bypassd was down lose their bypass");
            }
        }
        if (bypass.agent == null) {
            try {
                bypass.agent = SeccompAgentServer.start(socketPath, fromRunc);
            } catch (IOException | RuntimeException e) {
                closeQuietly(bypass, e);
                throw new BypassException(400, "cannot create socketPath " + socketPath + ": " + e.getMessage(), e);
            }
            keepAgent(spec, bypass.agent, log);
        }
        if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
            try {
                // Not through a symbolic link planted after ClientPaths looked (O_NOFOLLOW).
                Files.writeString(Path.of(spec.pidFilePath()), ProcessHandle.current().pid() + "\n",
                        StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, ClientPaths.NO_FOLLOW);
            } catch (IOException e) {
                closeQuietly(bypass, e);
                throw new BypassException(400, "cannot write pidFilePath " + spec.pidFilePath() + ": " + e.getMessage(), e);
            }
        }
        return bypass;
    }

    /** The name the store keeps a bypass's agent socket under (ids have no '/', ':' or spaces: BypassSpecs). */
    private static String agentName(BypassSpec spec) {
        return "A." + spec.id();
    }

    /**
     * Keeps a copy of the agent socket so that it outlives the daemon: runc's connects while
     * no daemon runs then wait in its backlog (a container created meanwhile starts, its
     * notified calls waiting), instead of failing on a socket nobody listens on.
     */
    private void keepAgent(BypassSpec spec, SeccompAgentServer agent, Consumer<String> log) {
        if (states == null) {
            return;
        }
        try {
            store.keep(agentName(spec), agent.listeningSocket());
        } catch (IOException | RuntimeException e) {
            log.accept("bypass " + spec.id() + ": its agent socket is not kept, containers created while bypassd restarts"
                    + " would not start: " + e.getMessage());
        }
    }

    private static void closeQuietly(Bypass bypass, Exception cause) {
        try {
            bypass.close();
        } catch (IOException | RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
        }
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

    /**
     * The host sockets a bypass's containers bound for published ports, recalled from its
     * state after a restart and written into it at each new one (before the bind is answered).
     */
    private static final class PersistedBound implements BindRules.Memory {

        private final List<BindRules.BoundSocket> recalled;
        private volatile Running owner;

        PersistedBound(List<BindRules.BoundSocket> recalled) {
            this.recalled = recalled;
        }

        @Override
        public List<BindRules.BoundSocket> recall() {
            return recalled;
        }

        @Override
        public void keep(List<BindRules.BoundSocket> all) throws IOException {
            Running bypass = owner;
            if (bypass != null) {
                bypass.keepBound(all);
            }
        }
    }

    private final class Running implements Bypass {

        private final BypassHandler handler;
        private final Supervisor supervisor;
        private final ConnectWaiter waiter;
        private final Consumer<String> log;
        private final AtomicReference<List<String>> notSwitched = new AtomicReference<>(List.of());
        private volatile SeccompAgentServer agent;
        /** What is persisted; guarded by this. */
        private BypassState state;
        private boolean closed;
        /** Closed for good ({@link #close}), not detached for a restart. */
        private boolean ended;

        Running(BypassState state, BypassHandler handler, Supervisor supervisor, ConnectWaiter waiter, Consumer<String> log) {
            this.state = state;
            this.handler = handler;
            this.supervisor = supervisor;
            this.waiter = waiter;
            this.log = log;
        }

        /**
         * Serves a container's listener: {@code keptAs} null for one runc just sent, which is
         * persisted first and then kept in the store (a daemon killed between the two leaves a
         * state entry without a listener, dropped at the next start: that container's bypass
         * ends, nothing else does); else one taken back after a restart.
         */
        void take(ContainerState container, Fd listener, String keptAs) throws IOException {
            BypassSpec spec = state.spec();
            if (keptAs == null && states != null) {
                String name = "L." + spec.id() + "." + STARTED + "-" + LISTENERS.incrementAndGet();
                synchronized (this) {
                    state = state.with(new BypassState.Listener(name, container));
                    states.write(state);
                }
                try {
                    store.keep(name, listener);
                } catch (IOException e) {
                    log.accept("bypass " + spec.id() + ": container " + container.containerId()
                            + ": its listener is not kept, a restart of bypassd would end its bypass: " + e.getMessage());
                }
            } else if (keptAs != null) {
                synchronized (this) {
                    state = state.with(new BypassState.Listener(keptAs, container));
                }
            }
            // Read now, while runc waits on the agent socket (its bundle is reached
            // through it), and before the first notification asks the same.
            GuardedCalls.Reading guarded = GuardedCalls.read(container);
            supervisor.supervise(container, listener);
            log.accept("bypass " + spec.id() + ": " + (keptAs == null ? "supervising" : "took over")
                    + " container pid " + container.pid());
            List<String> lines = new ArrayList<>();
            if (guarded.problem() != null) {
                lines.add(guarded.problem());
            }
            lines.addAll(guarded.calls().degradations());
            notSwitched.set(List.copyOf(lines));
            if (!lines.isEmpty()) {
                log.accept("bypass " + spec.id() + ": container " + container.containerId() + ": " + String.join("; ", lines));
            }
        }

        /** Not once the bypass ended for good: its state file is gone and must stay gone. */
        synchronized void keepBound(List<BindRules.BoundSocket> all) throws IOException {
            if (!ended) {
                state = state.withBound(all);
                persist();
            }
        }

        synchronized void persist() throws IOException {
            if (states != null) {
                states.write(state);
            }
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
            SeccompAgentServer a = agent;
            return new BypassStatsReport(state.spec().id(), new TreeMap<>(s.bySyscall()), b.connectsSwitched(), b.bindsSwitched(),
                    b.refusedOnHostSockets(), b.errors() + s.handlerFailures(), s.p50Nanos() / 1000.0, s.p99Nanos() / 1000.0, verdicts,
                    a == null ? 0 : a.served(), a == null ? 0 : a.rejected(), notSwitched.get());
        }

        /**
         * Stops serving but leaves what a restarted daemon takes over: the kept listeners (the
         * containers' notified calls wait in the kernel meanwhile), the state file, the pid file.
         * Connects the waiter is finishing get their answers first (up to {@link #DRAIN_MILLIS}):
         * a notification received and never answered would hold its thread until a signal.
         */
        @Override
        public synchronized void detach() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
            try {
                if (agent != null) {
                    agent.detach();
                }
                while (waiter.pendingCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                supervisor.close();
                waiter.close();
            }
        }

        /** Stops taking containers, ends their sessions (the containers' notified syscalls then fail), removes files. */
        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            ended = true;
            BypassSpec spec = state.spec();
            try {
                if (agent != null) {
                    agent.close();
                }
            } finally {
                supervisor.close();
                waiter.close();
                List<String> kept = new ArrayList<>(List.of(agentName(spec)));
                state.listeners().forEach(l -> kept.add(l.fd()));
                for (String name : kept) {
                    try {
                        store.forget(name);
                    } catch (IOException e) {
                        log.accept("bypass " + spec.id() + ": " + e.getMessage());
                    }
                }
                if (states != null) {
                    states.delete(spec.id());
                }
                if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
                    Files.deleteIfExists(Path.of(spec.pidFilePath()));
                }
            }
        }
    }
}
