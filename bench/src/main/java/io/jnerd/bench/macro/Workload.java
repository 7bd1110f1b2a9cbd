package io.jnerd.bench.macro;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What bench runs; each run of a workload in one placement gives one sample per metric. */
public enum Workload {
    IPERF_TCP_OUT("iperf3-tcp-out", List.of(Metric.IPERF_TCP_OUT)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            String out = p.exec(List.of(p.tool("iperf3"), "-c", p.testHostAddress(), "-p", Integer.toString(TestBed.IPERF_PORT),
                    "-t", ctx.seconds(), "-J"), ctx.timeout());
            return Map.of(Metric.IPERF_TCP_OUT, OutputParsers.iperf3Gbits(out));
        }
    },
    IPERF_TCP_IN("iperf3-tcp-in", List.of(Metric.IPERF_TCP_IN)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            try (Placement.Running server = p.serve("iperf3", (addr, port) -> List.of(p.tool("iperf3"), "-s", "-B", addr,
                    "-p", Integer.toString(port)), TestBed.IPERF_PORT)) {
                String out = iperf3ClientOutside(ctx, server.reachableAt());
                return Map.of(Metric.IPERF_TCP_IN, OutputParsers.iperf3Gbits(out));
            }
        }
    },
    IPERF_UDP("iperf3-udp", List.of(Metric.IPERF_UDP)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            // iperf3's UDP client connect()s its socket: the connected-UDP path of the bypass.
            String out = p.exec(List.of(p.tool("iperf3"), "-c", p.testHostAddress(), "-p", Integer.toString(TestBed.IPERF_PORT),
                    "-u", "-b", "0", "-t", ctx.seconds(), "-J"), ctx.timeout());
            return Map.of(Metric.IPERF_UDP, OutputParsers.iperf3Gbits(out));
        }
    },
    CONNECT("connect", List.of(Metric.CONNECT_RATE, Metric.CONNECT_P50, Metric.CONNECT_P99)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            Map<String, Double> kv = connectLoop(p, ctx, 1);
            return Map.of(Metric.CONNECT_RATE, OutputParsers.require(kv, "rate"),
                    Metric.CONNECT_P50, OutputParsers.require(kv, "p50_us"),
                    Metric.CONNECT_P99, OutputParsers.require(kv, "p99_us"));
        }
    },
    /**
     * The same loop (socket, connect, setsockopt(SO_LINGER), close) in a container under
     * nerdctl's bypass4netns profile, which notifies connect, setsockopt and close of it,
     * served by jnerd bypassd ({@link NerdctlBypass}); the host runs it without a filter.
     */
    CONNECT_NERDCTL("connect-nerdctl", List.of(Metric.CONNECT_NERDCTL_RATE, Metric.CONNECT_NERDCTL_P50)) {
        @Override
        boolean appliesTo(Mode mode) {
            return mode == Mode.HOST || mode == Mode.BYPASS4NETNS;
        }

        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            List<String> loop = List.of(p.tool("netbench"), "connect", p.testHostAddress(),
                    Integer.toString(TestBed.ACCEPT_PORT), ctx.seconds(), "1", ctx.connectWarmup());
            String out = p.mode() == Mode.BYPASS4NETNS ? ctx.nerdctl().exec(loop, ctx.timeout()) : p.exec(loop, ctx.timeout());
            Map<String, Double> kv = OutputParsers.keyValues(out);
            return Map.of(Metric.CONNECT_NERDCTL_RATE, OutputParsers.require(kv, "rate"),
                    Metric.CONNECT_NERDCTL_P50, OutputParsers.require(kv, "p50_us"));
        }
    },
    /**
     * 4 threads connecting at once, then in the same sample 1 thread: the scaling check
     * compares two loops run seconds apart, not two workloads run minutes apart.
     */
    CONNECT_4T("connect-4t", List.of(Metric.CONNECT_4T_RATE, Metric.CONNECT_4T_SINGLE_RATE)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            double four = OutputParsers.require(connectLoop(p, ctx, 4), "rate");
            double one = OutputParsers.require(connectLoop(p, ctx, 1), "rate");
            return Map.of(Metric.CONNECT_4T_RATE, four, Metric.CONNECT_4T_SINGLE_RATE, one);
        }
    },
    REDIS_SERVER_IN("redis-server-in", List.of(Metric.REDIS_SERVER_IN)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            try (Placement.Running server = p.serve("redis", (addr, port) -> List.of(p.tool("redis-server"), "--bind", addr,
                    "--port", Integer.toString(port), "--protected-mode", "no", "--save", "", "--appendonly", "no"),
                    TestBed.REDIS_PORT)) {
                ctx.awaitReachable(server.reachableAt());
                String out = ctx.outside(redisBenchmark("redis-benchmark", server.reachableAt().getAddress().getHostAddress(),
                        server.reachableAt().getPort(), ctx));
                return Map.of(Metric.REDIS_SERVER_IN, OutputParsers.redisRps(out, "GET"));
            }
        }
    },
    REDIS_CLIENT_IN("redis-client-in", List.of(Metric.REDIS_CLIENT_IN)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            String out = p.exec(redisBenchmark(p.tool("redis-benchmark"), p.testHostAddress(), TestBed.REDIS_PORT, ctx),
                    ctx.timeout());
            return Map.of(Metric.REDIS_CLIENT_IN, OutputParsers.redisRps(out, "GET"));
        }
    },
    SOCKOPT("sockopt", List.of(Metric.SOCKOPT_LOOP)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            Map<String, Double> kv = OutputParsers.keyValues(p.exec(List.of(p.tool("netbench"), "sockopt", ctx.seconds()),
                    ctx.timeout()));
            return Map.of(Metric.SOCKOPT_LOOP, OutputParsers.require(kv, "rate"));
        }
    },
    START("start", List.of(Metric.START_TIME)) {
        @Override
        boolean appliesTo(Mode mode) {
            // Start time is about what the network mode adds to `jnerd run`; the baseline
            // and the reference start no container.
            return mode.rootless();
        }

        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            double total = 0;
            for (int i = 0; i < ctx.startsPerSample(); i++) {
                long t0 = System.nanoTime();
                p.exec(List.of("true"), ctx.timeout());
                total += (System.nanoTime() - t0) / 1e9;
            }
            return Map.of(Metric.START_TIME, total / ctx.startsPerSample());
        }
    },
    /**
     * Issue 17: the CLI's own start against containerd's ctr, rootful, one containerd and
     * namespace for both ({@link RootfulContainerd}); jnerd both in a JVM of its own and
     * handed to the running {@code jnerd cli-server}. Rounds alternate so all see the same
     * load, and each metric of a sample is the median over its rounds.
     */
    CLI_START("cli-start", List.of(Metric.CLI_RUN_JNERD, Metric.CLI_RUN_JNERD_WARM, Metric.CLI_RUN_CTR,
            Metric.CLI_PS_JNERD, Metric.CLI_PS_JNERD_WARM, Metric.CLI_PS_CTR)) {
        @Override
        boolean appliesTo(Mode mode) {
            // Not a network mode's cost: measured once, beside the host baseline.
            return mode == Mode.HOST;
        }

        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            RootfulContainerd c = ctx.rootful();
            String image = BenchImage.NAME;
            List<Double> jnerdRun = new ArrayList<>();
            List<Double> warmRun = new ArrayList<>();
            List<Double> ctrRun = new ArrayList<>();
            List<Double> jnerdPs = new ArrayList<>();
            List<Double> warmPs = new ArrayList<>();
            List<Double> ctrLs = new ArrayList<>();
            for (int i = 0; i < ctx.cliPairs(); i++) {
                jnerdRun.add(seconds(() -> c.jnerdCold(ctx.timeout(), "run", "--rm", "--net=none", image, "true")));
                warmRun.add(seconds(() -> c.jnerd(ctx.timeout(), "run", "--rm", "--net=none", image, "true")));
                ctrRun.add(seconds(() -> c.ctrRunTrue(ctx.timeout())));
                jnerdPs.add(seconds(() -> c.jnerdCold(ctx.timeout(), "ps")));
                warmPs.add(seconds(() -> c.jnerd(ctx.timeout(), "ps")));
                ctrLs.add(seconds(() -> c.ctr(ctx.timeout(), "containers", "ls")));
            }
            return Map.of(Metric.CLI_RUN_JNERD, median(jnerdRun), Metric.CLI_RUN_JNERD_WARM, median(warmRun),
                    Metric.CLI_RUN_CTR, median(ctrRun), Metric.CLI_PS_JNERD, median(jnerdPs),
                    Metric.CLI_PS_JNERD_WARM, median(warmPs), Metric.CLI_PS_CTR, median(ctrLs));
        }

        @Override
        boolean usesRootfulContainerd() {
            return true;
        }
    },
    /**
     * Issue 16: the real docker CLI through {@code jnerd daemon} (warm: one daemon for the
     * run) against ctr, on cli-start's rootful containerd; alternating pairs, medians. The
     * network modes add one docker run each; then the daemon's RSS growth per detached container.
     */
    DOCKER_RUN("docker-run", List.of(Metric.DOCKER_RUN_NONE, Metric.DOCKER_RUN_CTR, Metric.DOCKER_RUN_SLIRP,
            Metric.DOCKER_RUN_BYPASS, Metric.DAEMON_RSS_PER_CONTAINER)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            RootfulContainerd c = ctx.rootful();
            Map<Metric, List<Double>> runs = new java.util.EnumMap<>(Metric.class);
            java.util.Set<Metric> leftOut = java.util.EnumSet.noneOf(Metric.class);
            for (int i = 0; i < ctx.cliPairs(); i++) {
                timed(runs, leftOut, Metric.DOCKER_RUN_NONE, () -> c.docker(ctx.timeout(), "run", "--rm", "--net=none", BenchImage.NAME, "true"));
                timed(runs, leftOut, Metric.DOCKER_RUN_CTR, () -> c.ctrRunTrue(ctx.timeout()));
                timed(runs, leftOut, Metric.DOCKER_RUN_SLIRP, () -> c.docker(ctx.timeout(), "run", "--rm", "--net=slirp4netns",
                        BenchImage.NAME, "true"));
                timed(runs, leftOut, Metric.DOCKER_RUN_BYPASS, () -> c.docker(ctx.timeout(), "run", "--rm", "--net=bypass4netns",
                        BenchImage.NAME, "true"));
            }
            Map<Metric, Double> medians = new java.util.EnumMap<>(Metric.class);
            runs.forEach((metric, values) -> medians.put(metric, median(values)));
            medians.put(Metric.DAEMON_RSS_PER_CONTAINER, c.daemonRssGrowthPerContainer(DAEMON_DETACHED, ctx.timeout()));
            return medians;
        }

        @Override
        boolean usesRootfulContainerd() {
            return true;
        }
    },
    /**
     * Issue 16: {@code docker ps} through the daemon against {@code ctr containers ls}, both
     * listing {@link #LISTED} running containers (started through the daemon, removed after):
     * an empty containerd would leave out what docker ps asks beyond the container records (their
     * tasks' states, the image IDs). Pairs are cheap (tens of ms), so three times as many as
     * cli-start's. The daemon's idle RSS is read before the containers start.
     */
    DOCKER_PS("docker-ps", List.of(Metric.DOCKER_PS, Metric.DOCKER_PS_CTR, Metric.DAEMON_RSS_IDLE)) {
        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            RootfulContainerd c = ctx.rootful();
            double idle = c.daemonRssMegabytes();
            List<String> listed = c.dockerDetached(LISTED, ctx.timeout());
            try {
                List<Double> docker = new ArrayList<>();
                List<Double> ctr = new ArrayList<>();
                for (int i = 0; i < 3 * ctx.cliPairs(); i++) {
                    docker.add(seconds(() -> c.docker(ctx.timeout(), "ps")));
                    ctr.add(seconds(() -> c.ctr(ctx.timeout(), "containers", "ls")));
                }
                return Map.of(Metric.DOCKER_PS, median(docker), Metric.DOCKER_PS_CTR, median(ctr),
                        Metric.DAEMON_RSS_IDLE, idle);
            } finally {
                c.dockerRemove(listed, ctx.timeout());
            }
        }

        @Override
        boolean usesRootfulContainerd() {
            return true;
        }
    },
    /**
     * Issue 18: what a detached container costs in jnerd's own memory. Rootful, on cli-start's
     * containerd: 1, then 20 {@code jnerd run -d --net=slirp4netns IMAGE sleep} held by the
     * resident network keeper; its RSS (and its watcher shell's) with 1 and with 20, and the
     * growth per container. slirp4netns and containerd's shim are not jnerd's and not counted.
     */
    DETACHED_RSS("detached-rss", List.of(Metric.DETACHED_RSS_1, Metric.DETACHED_RSS_20, Metric.DETACHED_RSS_GROWTH)) {
        @Override
        boolean appliesTo(Mode mode) {
            return mode == Mode.HOST;
        }

        @Override
        Map<Metric, Double> run(Placement p, Context ctx) throws IOException {
            RootfulContainerd c = ctx.rootful();
            List<String> ids = new ArrayList<>();
            try {
                double one = 0;
                for (int i = 0; i < DETACHED; i++) {
                    ids.add(c.jnerd(ctx.timeout(), "run", "-d", "--net=slirp4netns", BenchImage.NAME, "sleep", "3600").trim());
                    if (i == 0) {
                        one = c.keeperRssMegabytes(ids.get(0));
                    }
                }
                double twenty = c.keeperRssMegabytes(ids.get(0));
                return Map.of(Metric.DETACHED_RSS_1, one, Metric.DETACHED_RSS_20, twenty,
                        Metric.DETACHED_RSS_GROWTH, (twenty - one) / (DETACHED - 1));
            } finally {
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(ids);
                    c.jnerd(ctx.timeout(), rm.toArray(String[]::new));
                }
            }
        }

        @Override
        boolean usesRootfulContainerd() {
            return true;
        }
    };

    private static final int DETACHED = 20;
    /** Running containers docker-ps lists. */
    private static final int LISTED = 10;
    /** Detached containers docker-run starts to see what each adds to the daemon's memory. */
    private static final int DAEMON_DETACHED = 5;

    private final String id;
    private final List<Metric> metrics;

    Workload(String id, List<Metric> metrics) {
        this.id = id;
        this.metrics = metrics;
    }

    public String id() {
        return id;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Every mode; a workload on the rootful containerd runs once, beside the host baseline. */
    boolean appliesTo(Mode mode) {
        return !usesRootfulContainerd() || mode == Mode.HOST;
    }

    /** Whether it needs cli-start's rootful containerd (and, for docker-*, a jnerd daemon over it). */
    boolean usesRootfulContainerd() {
        return false;
    }

    abstract Map<Metric, Double> run(Placement placement, Context ctx) throws IOException;

    /**
     * netbench's connect+close loop against the test host, in {@code threads} threads: one
     * thread against the single acceptor, several against the acceptor per CPU, so that
     * neither host baseline is held back by its server.
     */
    private static Map<String, Double> connectLoop(Placement p, Context ctx, int threads) throws IOException {
        int port = threads == 1 ? TestBed.ACCEPT_PORT : TestBed.ACCEPT_MANY_PORT;
        return OutputParsers.keyValues(p.exec(List.of(p.tool("netbench"), "connect", p.testHostAddress(),
                Integer.toString(port), ctx.seconds(), Integer.toString(threads), ctx.connectWarmup()),
                ctx.timeout()));
    }

    private static double seconds(Step step) throws IOException {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Times {@code step} into {@code runs}; a network mode that failed once (one docker run
     * does not serve) goes into {@code leftOut} and is not tried again: no figure, the others count.
     */
    private static void timed(Map<Metric, List<Double>> runs, java.util.Set<Metric> leftOut, Metric metric, Step step)
            throws IOException {
        if (leftOut.contains(metric)) {
            return;
        }
        try {
            double s = seconds(step);
            runs.computeIfAbsent(metric, m -> new ArrayList<>()).add(s);
        } catch (Commands.Failed e) {
            if (metric == Metric.DOCKER_RUN_NONE || metric == Metric.DOCKER_RUN_CTR) {
                throw e;
            }
            leftOut.add(metric);
            runs.remove(metric);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return Series.median(sorted);
    }

    /** One timed command. */
    private interface Step {
        void run() throws IOException;
    }

    private static List<String> redisBenchmark(String binary, String host, int port, Context ctx) {
        return new ArrayList<>(List.of(binary, "-h", host, "-p", Integer.toString(port), "-t", "get",
                "-n", Integer.toString(ctx.redisRequests()), "-c", "50", "--csv"));
    }

    public static Workload parse(String s) {
        for (Workload w : values()) {
            if (w.id.equals(s.toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        List<String> ids = new ArrayList<>();
        for (Workload w : values()) {
            ids.add(w.id);
        }
        throw new IllegalArgumentException("unknown workload '" + s + "' (" + String.join(", ", ids) + ")");
    }

    /**
     * The iperf3 client in the test host, tried again while it fails (up to ~30 s).
     * No readiness probe first: iperf3 -s takes any connection for a test's control
     * connection, a probe too, and then re-creates its listener, which left a gap the client
     * fell into. Until the server listens, a client is refused (bypass4netns, host) or
     * accepted by the forwarder and then dropped (slirp4netns, pasta).
     */
    static String iperf3ClientOutside(Context ctx, InetSocketAddress server) throws IOException {
        List<String> client = List.of("iperf3", "-c", server.getAddress().getHostAddress(),
                "-p", Integer.toString(server.getPort()), "-t", ctx.seconds(), "-J");
        for (int attempt = 1; ; attempt++) {
            String out;
            try {
                out = ctx.outside(client);
            } catch (Commands.Failed e) {
                out = null;
            }
            // With -J iperf3 reports a failed start as an "error" member of its JSON.
            if (out != null && !out.contains("\"error\"")) {
                return out;
            }
            if (attempt == 150) {
                return out != null ? out : ctx.outside(client);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for iperf3 -s to listen", interrupted);
            }
        }
    }

    /** What every workload needs besides its placement. */
    interface Context {
        /** Seconds each timed run lasts, as a command-line argument. */
        String seconds();

        /** Uncounted seconds of a connect loop before it is timed, as a command-line argument. */
        String connectWarmup();

        Duration timeout();

        int redisRequests();

        int startsPerSample();

        /**
         * Waits until the test host (the host, without one) can connect to {@code address}:
         * checked from there, because only there do the reference's addresses route.
         */
        void awaitReachable(InetSocketAddress address) throws IOException;

        /** Runs the outside client of a host→container workload (in the test host) and returns stdout. */
        String outside(List<String> command) throws IOException;

        /** Containers under nerdctl's notify set; throws why there are none. */
        NerdctlBypass nerdctl() throws IOException;

        /** The rootful containerd of cli-start; throws why there is none. */
        RootfulContainerd rootful() throws IOException;

        /** Alternating jnerd/ctr pairs per cli-start sample. */
        int cliPairs();
    }
}
