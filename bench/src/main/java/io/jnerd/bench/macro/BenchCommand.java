package io.jnerd.bench.macro;

import io.jnerd.proto.ContainerdAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd bench}: the macro benchmarks; {@code jnerd bench jmh ...}: the micro ones. */
@Command(name = "jnerd bench", mixinStandardHelpOptions = true,
        description = {"Measure each workload in each network mode (host, veth, slirp4netns, pasta, bypass4netns) "
            + "against servers in a test-host namespace (as root) or at --target; results as JSON, Markdown and PNG. "
            + "Ratios against host and slirp4netns come from the same run. A benchmark never fails: targets are "
            + "printed as PASS/FAIL lines.",
            "'jnerd bench jmh [JMH OPTIONS]' runs the JMH micro benchmarks."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "1 repeat of 2 s each (CI, VMs); --repeats and --duration still win")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N", description = "samples per workload and mode (default 3, --quick 1)")
    Integer repeats;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "length of each timed run (default 5, --quick 2)")
    Integer duration;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "modes to run (default: all): host, veth, slirp4netns, pasta, bypass4netns")
    List<String> modes = new ArrayList<>();

    @Option(names = "--workloads", split = ",", paramLabel = "ID",
            description = "workloads (default: all): iperf3-tcp-out, iperf3-tcp-in, iperf3-udp, connect, "
                    + "connect-nerdctl, connect-4t, redis-server-in, redis-client-in, sockopt, start, cli-start, detached-rss, "
                    + "docker-run, docker-ps")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--results", paramLabel = "DIR", description = "output folder (default ./results/<timestamp>)")
    Path results;

    @Option(names = "--target", paramLabel = "ADDR",
            description = "use servers you run at ADDR (iperf3 -s on 5201, a TCP acceptor on 5300, redis on 6379) "
                    + "instead of the test-host namespace bench creates as root")
    String target;

    @Option(names = "--user", paramLabel = "NAME", description = "who runs the rootless modes when bench runs as root "
            + "(default " + RootlessUser.DEFAULT_USER + ", created when missing)")
    String user = RootlessUser.DEFAULT_USER;

    @Option(names = "--jnerd", paramLabel = "PATH", description = "the jnerd launcher for the rootless modes "
            + "(default: $JNERD_LAUNCHER, set by bin/jnerd, else jnerd on PATH)")
    String jnerd;

    private final List<String> commandLine;

    public BenchCommand(String... args) {
        this.commandLine = List.of(args);
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = settings();
        BenchResults r = new BenchRun(settings, ContainerdAddress.isRoot()).run();
        System.out.print(MarkdownReport.render(r));
        return 0;
    }

    BenchSettings settings() throws java.net.UnknownHostException {
        List<Mode> m = new ArrayList<>();
        (modes.isEmpty() ? List.of("host", "veth", "slirp4netns", "pasta", "bypass4netns") : modes).forEach(s -> m.add(Mode.parse(s)));
        List<Workload> w = new ArrayList<>();
        if (workloads.isEmpty()) {
            w.addAll(List.of(Workload.values()));
        } else {
            workloads.forEach(s -> w.add(Workload.parse(s)));
        }
        InetAddress targetAddress = null;
        if (target != null) {
            if (!target.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException("--target must be an IP address, not '" + target + "'");
            }
            targetAddress = InetAddress.getByName(target);
        }
        Path dir = results != null ? results
                : Path.of("results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String launcher = jnerd != null ? jnerd : System.getenv().getOrDefault("JNERD_LAUNCHER", "jnerd");
        return new BenchSettings(m, w, repeats != null ? repeats : quick ? 1 : 3, duration != null ? duration : quick ? 2 : 5,
                quick, dir, launcher, user, targetAddress, ("jnerd bench " + String.join(" ", commandLine)).strip());
    }
}
