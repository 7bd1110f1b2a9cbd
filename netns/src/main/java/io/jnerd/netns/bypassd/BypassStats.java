package io.jnerd.netns.bypassd;

import java.util.Map;

/**
 * {@code GET /v1/bypass/{id}/stats}: seccomp notifications per syscall, sockets switched to
 * the host, handler errors, handler latency percentiles (microseconds), and agent
 * connections (runc/crun handing over a seccomp fd).
 */
public record BypassStats(String id, Map<String, Long> notifications, long socketsSwitched, long errors,
        double latencyP50Micros, double latencyP99Micros, long agentConnections) {}
