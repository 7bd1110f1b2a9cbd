package io.jnerd.bench.macro;

/** One number a workload reports, with its unit and which direction is better. */
public enum Metric {
    IPERF_TCP_OUT("iperf3 TCP container→test host", "Gbit/s", true),
    IPERF_TCP_IN("iperf3 TCP test host→container (-p)", "Gbit/s", true),
    IPERF_UDP("iperf3 UDP container→test host (received)", "Gbit/s", true),
    CONNECT_RATE("TCP connect+close", "conn/s", true),
    CONNECT_P50("TCP connect latency p50", "µs", false),
    CONNECT_P99("TCP connect latency p99", "µs", false),
    REDIS_SERVER_IN("redis GET, server in container", "req/s", true),
    REDIS_CLIENT_IN("redis GET, client in container", "req/s", true),
    SOCKOPT_LOOP("socket+setsockopt+fcntl+close", "ops/s", true),
    START_TIME("container start (run --rm true)", "s", false);

    private final String title;
    private final String unit;
    private final boolean higherIsBetter;

    Metric(String title, String unit, boolean higherIsBetter) {
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

    /** The lower-case id used in results.json ("iperf-tcp-out"). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
