package io.jnerd.netns.bypass;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one container's bypass did: notifications per syscall, verdicts, sockets switched,
 * errors, and the handler's latency from receipt to answer (for a blocking connect, until
 * the connect finished). Safe to update and read from any thread.
 */
public final class BypassStats {

    private final Map<String, LongAdder> notifications = new ConcurrentHashMap<>();
    private final Map<Verdict, LongAdder> verdicts = new ConcurrentHashMap<>();
    private final LongAdder connectsSwitched = new LongAdder();
    private final LongAdder bindsSwitched = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    void notified(String syscall) {
        notifications.computeIfAbsent(syscall, k -> new LongAdder()).increment();
    }

    void verdict(Verdict v) {
        verdicts.computeIfAbsent(v, k -> new LongAdder()).increment();
    }

    void connectSwitched() {
        connectsSwitched.increment();
    }

    void bindSwitched() {
        bindsSwitched.increment();
    }

    void error() {
        errors.increment();
    }

    void answered(long nanos) {
        latency.record(nanos);
    }

    public long connectsSwitched() {
        return connectsSwitched.sum();
    }

    public long bindsSwitched() {
        return bindsSwitched.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long notifications(String syscall) {
        LongAdder a = notifications.get(syscall);
        return a == null ? 0 : a.sum();
    }

    public long verdicts(Verdict v) {
        LongAdder a = verdicts.get(v);
        return a == null ? 0 : a.sum();
    }

    public LatencyHistogram latency() {
        return latency;
    }

    /** A snapshot for the daemon's {@code GET /v1/bypass/{id}/stats} (plain maps, JSON-ready). */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new TreeMap<>();
        Map<String, Long> perSyscall = new TreeMap<>();
        notifications.forEach((k, v) -> perSyscall.put(k, v.sum()));
        Map<String, Long> perVerdict = new TreeMap<>();
        verdicts.forEach((k, v) -> perVerdict.put(k.name(), v.sum()));
        m.put("notifications", perSyscall);
        m.put("verdicts", perVerdict);
        m.put("connectsSwitched", connectsSwitched());
        m.put("bindsSwitched", bindsSwitched());
        m.put("errors", errors());
        m.put("latencyP50Micros", latency.quantileNanos(0.50) / 1000.0);
        m.put("latencyP99Micros", latency.quantileNanos(0.99) / 1000.0);
        return m;
    }
}
