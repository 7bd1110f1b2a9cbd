package io.jnerd.engine.network;

import io.jnerd.netns.Cidr;
import io.jnerd.netns.FreePorts;
import io.jnerd.netns.NetworkMode;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.bypass.BypassProfile;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassService;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.netns.bypassd.PortSpec;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code --net=bypass4netns}: the slirp4netns namespace (for what is not switched: DNS to
 * 10.0.2.3, ICMP, traffic to ignored subnets) plus a bypass for the container. Before the
 * container is created a bypass is started (by bypassd if one runs, else in jnerd:
 * {@link BypassService}) with its seccomp agent socket in the container's network dir; the
 * spec's seccomp profile notifies connect and bind to that socket. Published ports go to
 * the bypass (the switcher binds them on the host), not to slirp4netns.
 */
public final class BypassNetwork extends NetworkAttachers.DriverNetwork {
    static final String AGENT_SOCKET = "bypass.sock";
    /** Runs with no profile of its own (seccomp=unconfined) still need the notify rule. */
    private static final SeccompProfile ALLOW_ALL = new SeccompProfile("SCMP_ACT_ALLOW", null, null, null, null, null,
            null, null);

    /**
     * @param ignoreSubnets {@code --bypass-ignore} CIDRs (on top of "auto": the container's own subnets)
     * @param bypassdSocket where a running bypassd would listen; empty: serve in jnerd
     * @param log one line per bypass event (bypass started, container supervised)
     */
    public record Settings(List<String> ignoreSubnets, Optional<Path> bypassdSocket, Consumer<String> log) {
        public Settings {
            for (String cidr : ignoreSubnets) {
                Cidr.parse(cidr);
            }
            ignoreSubnets = List.copyOf(ignoreSubnets);
        }
    }

    private final Settings settings;

    BypassNetwork(Settings settings) {
        super(NetworkMode.BYPASS4NETNS, EtcFiles.slirp4netns());
        this.settings = settings;
    }

    /** The mode, its ignored subnets, and where bypassd would answer: the keeper asks it as jnerd run would. */
    @Override
    public List<String> keeperFlags() {
        List<String> flags = new ArrayList<>(super.keeperFlags());
        settings.ignoreSubnets().forEach(cidr -> flags.add("--bypass-ignore=" + cidr));
        settings.bypassdSocket().ifPresent(socket -> flags.add("--bypassd-socket=" + socket));
        return flags;
    }

    /** The run's profile (or allow-all) with connect and bind notified to the bypass's agent socket. */
    @Override
    public Optional<SeccompProfile> seccomp(Optional<SeccompProfile> profile, ContainerContext context) {
        String listener = context.networkDir().resolve(AGENT_SOCKET).toString();
        return Optional.of(BypassProfile.of(profile.orElse(ALLOW_ALL), listener));
    }

    @Override
    public Attachment prepare(ContainerContext context) throws IOException {
        Attachment dir = super.prepare(context);
        BypassService service = null;
        try {
            service = settings.bypassdSocket().isPresent()
                    ? BypassService.connect(settings.bypassdSocket().get(), settings.log())
                    : BypassService.inProcess(settings.log());
            service.start(spec(context));
        } catch (IOException | RuntimeException e) {
            if (service != null) {
                service.close();
            }
            dir.close();
            throw e;
        }
        BypassService started = service;
        return () -> {
            try {
                started.stop(context.id());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("stopping the bypass of " + context.id(), e);
            } finally {
                started.close();
                dir.close();
            }
        };
    }

    /** Whether bypassd (not a keeper that died) serves this container's bypass. */
    boolean heldByBypassd(ContainerContext context) {
        Optional<Path> socket = settings.bypassdSocket().filter(java.nio.file.Files::exists);
        if (socket.isEmpty()) {
            return false;
        }
        try {
            return new BypassClient(socket.get()).list().stream().anyMatch(b -> b.id().equals(context.id()));
        } catch (IOException notAnswering) {
            return false;
        }
    }

    /** Ends the bypass a killed keeper left registered with bypassd, if it did. */
    void stopLeftover(ContainerContext context) {
        if (heldByBypassd(context)) {
            try {
                new BypassClient(settings.bypassdSocket().get()).stop(context.id());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("stopping the bypass of " + context.id() + " in bypassd", e);
            }
        }
    }

    private BypassSpec spec(ContainerContext context) throws IOException {
        List<PortSpec> ports = new ArrayList<>();
        for (PortMapping requested : context.ports()) {
            PortMapping p = FreePorts.resolve(requested);
            String hostIp = p.hostIp().map(InetAddress::getHostAddress).orElse("");
            ports.add(new PortSpec(List.of(p.protocol().wireName()), hostIp, p.hostPort(), "", p.containerPort()));
        }
        List<String> ignore = new ArrayList<>();
        ignore.add("auto");
        ignore.addAll(settings.ignoreSubnets());
        return new BypassSpec(context.id(), context.networkDir().resolve(AGENT_SOCKET).toString(), null, null, ports,
                ignore, false);
    }
}
