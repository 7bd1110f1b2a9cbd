package io.jnerd.bench.macro;

/** One number a workload reports, with its unit and which direction is better. */
public enum Metric {
    IPERF_TCP_OUT("iperf3-tcp-out", "iperf3 TCP container→test host", "Gbit/s", true),
    IPERF_TCP_IN("iperf3-tcp-in", "iperf3 TCP test host→container (-p)", "Gbit/s", true),
    IPERF_UDP("iperf3-udp", "iperf3 UDP container→test host (received)", "Gbit/s", true),
    CONNECT_RATE("connect-rate", "TCP connect+close", "conn/s", true),
    CONNECT_P50("connect-p50", "TCP connect latency p50", "µs", false),
    CONNECT_P99("connect-p99", "TCP connect latency p99", "µs", false),
    CONNECT_NERDCTL_RATE("connect-nerdctl-rate", "TCP connect+close under nerdctl's notify set", "conn/s", true),
    CONNECT_NERDCTL_P50("connect-nerdctl-p50", "TCP connect latency p50 under nerdctl's notify set", "µs", false),
    CONNECT_4T_RATE("connect-4t-rate", "TCP connect+close, 4 threads at once (sum)", "conn/s", true),
    CONNECT_4T_SINGLE_RATE("connect-4t-single-rate", "TCP connect+close, 1 thread (beside connect-4t)", "conn/s", true),
    REDIS_SERVER_IN("redis-server-in", "redis GET, server in container", "req/s", true),
    REDIS_CLIENT_IN("redis-client-in", "redis GET, client in container", "req/s", true),
    SOCKOPT_LOOP("sockopt", "socket+setsockopt+fcntl+close", "ops/s", true),
    START_TIME("start", "container start (run --rm true)", "s", false),
    CLI_RUN_JNERD("cli-start-jnerd-run", "jnerd run --rm --net=none IMAGE true (rootful, a JVM of its own)", "s", false),
    CLI_RUN_JNERD_WARM("cli-start-jnerd-run-warm", "jnerd run --rm --net=none IMAGE true (rootful, jnerd cli-server running)",
            "s", false),
    CLI_RUN_CTR("cli-start-ctr-run", "ctr run --rm IMAGE ID true (rootful)", "s", false),
    CLI_PS_JNERD("cli-start-jnerd-ps", "jnerd ps (rootful, a JVM of its own)", "s", false),
    CLI_PS_JNERD_WARM("cli-start-jnerd-ps-warm", "jnerd ps (rootful, jnerd cli-server running)", "s", false),
    CLI_PS_CTR("cli-start-ctr-ls", "ctr containers ls (rootful)", "s", false),
    DOCKER_RUN_NONE("docker-run-none", "docker run --rm --net=none IMAGE true through jnerd daemon (rootful)", "s", false),
    DOCKER_RUN_CTR("docker-run-ctr", "ctr run --rm IMAGE ID true (rootful, beside docker-run)", "s", false),
    DOCKER_RUN_SLIRP("docker-run-slirp4netns", "docker run --rm --net=slirp4netns IMAGE true (rootful)", "s", false),
    DOCKER_RUN_BYPASS("docker-run-bypass4netns", "docker run --rm --net=bypass4netns IMAGE true (rootful)", "s", false),
    DAEMON_RSS_PER_CONTAINER("daemon-rss-per-container", "jnerd daemon RSS growth per detached container", "MB", false),
    DOCKER_PS("docker-ps", "docker ps through jnerd daemon, 10 running containers (rootful)", "s", false),
    DOCKER_PS_CTR("docker-ps-ctr", "ctr containers ls, the same 10 (rootful, beside docker-ps)", "s", false),
    DAEMON_RSS_IDLE("daemon-rss-idle", "jnerd daemon RSS, idle after its warm-up (no container)", "MB", false),
    DETACHED_RSS_1("detached-rss-1", "network keeper + watcher RSS, 1 detached container (rootful)", "MB", false),
    DETACHED_RSS_20("detached-rss-20", "network keeper + watcher RSS, 20 detached containers (rootful)", "MB", false),
    DETACHED_RSS_GROWTH("detached-rss-growth", "keeper RSS growth per detached container, (RSS20 - RSS1) / 19", "MB", false);

    private final String id;
    private final String title;
    private final String unit;
    private final boolean higherIsBetter;

    Metric(String id, String title, String unit, boolean higherIsBetter) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    public String title() {
        return title;
    }

    public String unit() {
        return unit;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The id in results.json: the workload's id, or for workloads with several numbers, id-number. */
    public String id() {
        return id;
    }
}
