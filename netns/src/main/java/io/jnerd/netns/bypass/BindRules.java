package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Published ports under bypass. A container's {@code bind} to a published container port
 * (on the wildcard or a container address) is replaced by a host socket bound to the host
 * port, so listen and accept run on the host socket.
 *
 * <p>After that nothing listens on the port inside the container, yet the container may
 * still connect to its own service (127.0.0.1:80 or its own IP:80). Instead of keeping a
 * forwarder inside the container's namespace, such a connect is switched too and aimed at
 * the host side of the mapping ({@link #selfConnect}): the host's loopback (or the
 * mapping's host IP) on the host port, where the container's own listening socket is. That
 * is the only loopback destination a container reaches through the bypass, and only while
 * the host socket the container bound there still listens (UDP: is still open). close is
 * not intercepted, so that is checked at each self-connect, by the socket's inode in the
 * host's socket table ({@link HostSocketTable}): once the container closed its listener,
 * a host service that takes the port later is another socket, and the self-connect stays
 * in the container (ECONNREFUSED there, as without bypass). An inode is 32 bits and comes
 * round again only after billions of new inodes on the host.
 *
 * <p>Each mapping remembers its last {@link #MAX_BOUND_PER_PORT} bound sockets, so a
 * container that binds and closes in a loop does not grow the daemon. What it remembers
 * outlives the process when a {@link Memory} keeps it (bypassd's state file): the sockets
 * are the container's, so a restarted daemon recalls them and still maps the container's
 * self-connects and lets them listen.
 */
public final class BindRules {

    private static final Logger LOG = Logger.getLogger(BindRules.class.getName());
    /** Bound sockets remembered per mapping: more than the SO_REUSEPORT listeners of one port a server makes. */
    static final int MAX_BOUND_PER_PORT = 64;

    /** The live sockets on a host port, by inode ({@link HostSocketTable#inodes} outside tests). */
    interface HostTable {
        Set<Long> inodes(Protocol protocol, int hostPort) throws IOException;
    }

    /** A host socket bound for a published port: its SO_COOKIE (for listen) and its inode (for the host's table). */
    public record BoundSocket(PortMapping port, long cookie, long inode) {}

    /** Where the bound sockets are kept beyond this process. */
    public interface Memory {
        /** What an earlier process bound for the same container(s). */
        List<BoundSocket> recall();

        /** Keeps {@code all} (every socket remembered now) in place of what was kept. */
        void keep(List<BoundSocket> all) throws IOException;

        /** Keeps nothing: the bypass ends with the process. */
        Memory NONE = new Memory() {
            @Override
            public List<BoundSocket> recall() {
                return List.of();
            }

            @Override
            public void keep(List<BoundSocket> all) {
            }
        };
    }

    private final List<PortMapping> published;
    private final HostTable hostTable;
    private final Memory memory;
    /** Per mapping, its bound host sockets, newest last; each list is replaced, never changed. */
    private final Map<PortMapping, List<BoundSocket>> bound = new ConcurrentHashMap<>();

    /** @param published the mappings with their host ports resolved (no port 0) */
    public BindRules(List<PortMapping> published) {
        this(published, Memory.NONE);
    }

    /** As {@link #BindRules(List)}, recalling from and keeping in {@code memory}. */
    public BindRules(List<PortMapping> published, Memory memory) {
        this(published, HostSocketTable::inodes, memory);
    }

    BindRules(List<PortMapping> published, HostTable hostTable, Memory memory) {
        this.hostTable = hostTable;
        this.memory = memory;
        for (PortMapping p : published) {
            if (p.hostPort() == 0) {
                throw new IllegalArgumentException("published port " + p + ": host port 0 must be resolved to a free port first");
            }
        }
        this.published = List.copyOf(published);
        // Only the mappings this bypass publishes: a recalled socket of another is no host socket of ours.
        for (BoundSocket b : memory.recall()) {
            if (this.published.contains(b.port())) {
                remember(b);
            }
        }
    }

    /** The mapping a bind of {@code kind} to {@code address} publishes, if any. */
    public Optional<PortMapping> forBind(SocketKind kind, Destination address) {
        InetSocketAddress inet = address.inet();
        if (inet == null || !kind.isInet() || kind.family() != address.family()) {
            return Optional.empty();
        }
        InetAddress ip = ConnectRules.unmapped(inet.getAddress());
        if (ip.isLoopbackAddress()) {
            return Optional.empty();
        }
        return find(kind, inet.getPort());
    }

    /** Why {@link #forBind} found nothing, for the log and stats. */
    public Verdict whyNot(Destination address) {
        InetSocketAddress inet = address.inet();
        if (inet != null && ConnectRules.unmapped(inet.getAddress()).isLoopbackAddress()) {
            return Verdict.LOOPBACK_BIND;
        }
        return Verdict.NOT_PUBLISHED;
    }

    /** Where the host socket binds for {@code port}, as a sockaddr for a socket of {@code family}. */
    public Destination hostBindAddress(int family, PortMapping port) {
        InetAddress ip = port.hostIp().filter(a -> !a.isAnyLocalAddress()).orElseGet(() -> wildcard(family));
        return Destination.of(family, new InetSocketAddress(ip, port.hostPort()));
    }

    /**
     * Records that {@code host} is bound for {@code port}: it may listen, and self-connects
     * may go to it while it listens.
     */
    public void markBound(PortMapping port, Fd host) throws IOException {
        markBound(port, Sockets.cookie(host), inodeOf(host));
    }

    /**
     * Serialised, so the memory keeps the last snapshot, not an older one written late (a bind
     * is rare beside connects). A memory that fails is logged: the bind stands, only a restart
     * would forget it.
     */
    synchronized void markBound(PortMapping port, long socketCookie, long inode) {
        remember(new BoundSocket(port, socketCookie, inode));
        List<BoundSocket> all = new ArrayList<>();
        bound.values().forEach(all::addAll);
        try {
            memory.keep(List.copyOf(all));
        } catch (IOException e) {
            LOG.warning(() -> "bypass: a restart would forget the host socket bound for " + port + ": " + e.getMessage());
        }
    }

    private void remember(BoundSocket b) {
        bound.compute(b.port(), (p, old) -> {
            List<BoundSocket> list = new ArrayList<>(old == null ? List.of() : old);
            list.add(b);
            return List.copyOf(list.subList(Math.max(0, list.size() - MAX_BOUND_PER_PORT), list.size()));
        });
    }

    /** Whether the host socket with {@code socketCookie} (SO_COOKIE) is one bound for a published port. */
    public boolean isPublishedSocket(long socketCookie) {
        for (List<BoundSocket> list : bound.values()) {
            for (BoundSocket b : list) {
                if (b.cookie() == socketCookie) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether one of the sockets the container bound for {@code port} still listens (UDP: is open) on the host. */
    private boolean stillBound(PortMapping port) {
        List<BoundSocket> list = bound.getOrDefault(port, List.of());
        if (list.isEmpty()) {
            return false;
        }
        Set<Long> live;
        try {
            live = hostTable.inodes(port.protocol(), port.hostPort());
        } catch (IOException e) {
            LOG.warning(() -> "bypass: cannot tell whether the host socket of " + port + " still listens ("
                    + e.getMessage() + "): the self-connect stays in the container");
            return false;
        }
        return list.stream().anyMatch(b -> live.contains(b.inode()));
    }

    /** The socket's inode, from its /proc/self/fd link ("socket:[INODE]"). */
    private static long inodeOf(Fd socket) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(socket.get()))).toString();
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IOException("fd " + socket.get() + " is " + link + ", not a socket");
        }
        return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
    }

    /**
     * A connect from the container to its own published port (a loopback destination or
     * one in its own subnet) goes to the host side of the mapping, while the container's
     * socket there listens.
     */
    public Optional<Destination> selfConnect(SocketKind kind, Destination destination) {
        InetSocketAddress inet = destination.inet();
        if (inet == null || kind.family() != destination.family()) {
            return Optional.empty();
        }
        return find(kind, inet.getPort())
                .filter(this::stillBound)
                .map(p -> {
                    InetAddress target = p.hostIp().filter(a -> !a.isAnyLocalAddress())
                            .orElseGet(() -> loopbackLike(ConnectRules.unmapped(inet.getAddress())));
                    return Destination.of(kind.family(), new InetSocketAddress(target, p.hostPort()));
                });
    }

    private Optional<PortMapping> find(SocketKind kind, int containerPort) {
        for (PortMapping p : published) {
            if (p.containerPort() == containerPort && carries(p, kind) && fitsFamily(p, kind.family())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean carries(PortMapping p, SocketKind kind) {
        return p.protocol() == Protocol.TCP ? kind.isTcp() : kind.isUdp();
    }

    /** An IPv4 host IP fits an AF_INET6 socket too (v4-mapped); an IPv6 one not an AF_INET socket. */
    private static boolean fitsFamily(PortMapping p, int family) {
        return family == SockAddr.AF_INET6 || p.hostIp().map(a -> a instanceof Inet4Address).orElse(true);
    }

    private static InetAddress wildcard(int family) {
        return family == SockAddr.AF_INET ? ip(new byte[4]) : ip(new byte[16]);
    }

    private static InetAddress loopbackLike(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip(new byte[] {127, 0, 0, 1});
        }
        byte[] v6 = new byte[16];
        v6[15] = 1;
        return ip(v6);
    }

    private static InetAddress ip(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
