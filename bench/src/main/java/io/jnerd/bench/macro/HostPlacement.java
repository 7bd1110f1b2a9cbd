package io.jnerd.bench.macro;

import io.jnerd.netns.HelperProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The baseline and the veth reference: plain processes, on the host or wrapped into the
 * reference namespace with {@code ip netns exec}. Servers listen on {@code listenAddress}:
 * the host's end of the test-host veth, or the reference's own address.
 */
final class HostPlacement implements Placement {
    private final Mode mode;
    private final Path netbench;
    private final UnaryOperator<List<String>> wrap;
    private final InetAddress listenAddress;
    private final String testHostAddress;
    private final Path logDir;

    private HostPlacement(Mode mode, Path netbench, UnaryOperator<List<String>> wrap, InetAddress listenAddress,
            String testHostAddress) throws IOException {
        this.mode = mode;
        this.netbench = netbench;
        this.wrap = wrap;
        this.listenAddress = listenAddress;
        this.testHostAddress = testHostAddress;
        this.logDir = Files.createTempDirectory("jnerd-bench-" + mode.label() + "-");
    }

    static HostPlacement host(TestBed bed, Path netbench) throws IOException {
        return new HostPlacement(Mode.HOST, netbench, c -> c, bed.testHost().hostAddress(),
                bed.testHost().address().getHostAddress());
    }

    /** Without a test host (--target): servers on loopback, the outside client on the host too. */
    static HostPlacement loopback(Path netbench, String target) throws IOException {
        return new HostPlacement(Mode.HOST, netbench, c -> c, InetAddress.getLoopbackAddress(), target);
    }

    static HostPlacement veth(TestBed bed, Path netbench) throws IOException {
        ReferenceNamespace ref = bed.reference();
        return new HostPlacement(Mode.VETH, netbench, ref::wrap, InetAddress.getByName(ref.address()),
                ref.testHostAddress());
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public String tool(String name) {
        return name.equals("netbench") ? netbench.toString() : name;
    }

    @Override
    public String exec(List<String> command, Duration timeout) throws IOException {
        return Commands.run(wrap.apply(command), timeout);
    }

    @Override
    public Running serve(String name, ServerCommand command, int port) throws IOException {
        // The host's ports are shared with whatever else runs there; the reference has its own.
        int listenPort = mode == Mode.HOST ? freePort(listenAddress) : port;
        List<String> cmd = command.build(listenAddress.getHostAddress(), listenPort);
        HelperProcess p = HelperProcess.start(name, wrap.apply(cmd), logDir.resolve(name + ".log"));
        InetSocketAddress at = new InetSocketAddress(listenAddress, listenPort);
        return new Running() {
            @Override
            public InetSocketAddress reachableAt() {
                return at;
            }

            @Override
            public void close() throws IOException {
                p.stop();
            }
        };
    }

    static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String testHostAddress() {
        return testHostAddress;
    }

    @Override
    public void close() throws IOException {
        try (var logs = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) logs::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(logDir);
    }
}
