package io.jnerd.seccomp.notify;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The supervisor's counters, updated from every session and handler thread. */
final class Counters {

    private final Map<String, LongAdder> bySyscall = new ConcurrentHashMap<>();
    private final LongAdder continued = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder gone = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private final LongAdder continueRefused = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    void received(String syscall) {
        bySyscall.computeIfAbsent(syscall, k -> new LongAdder()).increment();
    }

    void handlerFailed() {
        handlerFailures.increment();
    }

    void continueRefused() {
        continueRefused.increment();
    }

    void answered(NotificationContext.Answer kind, boolean delivered, long nanos) {
        latency.record(nanos);
        if (!delivered) {
            gone.increment();
        } else if (kind == NotificationContext.Answer.CONTINUE) {
            continued.increment();
        } else {
            answered.increment();
        }
    }

    SupervisorStats snapshot(int activeSessions) {
        Map<String, Long> counts = new TreeMap<>();
        bySyscall.forEach((name, n) -> counts.put(name, n.sum()));
        return new SupervisorStats(Map.copyOf(counts), continued.sum(), answered.sum(), gone.sum(),
                handlerFailures.sum(), continueRefused.sum(), latency.percentile(0.5), latency.percentile(0.99), activeSessions);
    }
}
