package io.jnerd.netns.bypassd;

import java.util.Map;

/**
 * {@code GET /v1/bypass/{id}/stats}: seccomp notifications per syscall, sockets switched to
 * the host (connects and binds), calls refused on host sockets (sends to a destination the
 * bypass keeps out of reach, listens on unpublished ports), notifications that failed, the
 * handler latency p50/p99 (microseconds, RECV to answer), the switcher's verdicts, and the
 * agent socket's connections (listeners received from runc/crun, and connections that
 * brought none), and what the container's seccomp filter keeps from being switched
 * ({@link Bypass#notSwitched}).
 */
public record BypassStatsReport(String id, Map<String, Long> notifications, long connectsSwitched, long bindsSwitched,
        long refusedOnHostSockets, long errors, double latencyP50Micros, double latencyP99Micros,
        Map<String, Long> verdicts, long listenersReceived, long agentConnectionsRejected,
        java.util.List<String> notSwitched) {}
