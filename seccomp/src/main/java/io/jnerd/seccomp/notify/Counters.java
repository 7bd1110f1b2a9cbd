package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.seccomp.SyscallTable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/** The supervisor's counters, updated from every session and handler thread. */
final class Counters {

    /** Highest native syscall number counted by number; above it (none on today's ABIs) by name. */
    private static final int NATIVE_SLOTS = 1024;
    private static final Arch NATIVE = Arch.current();

    /** Native calls by number: an array read per notification instead of a map lookup by name. */
    private final AtomicReferenceArray<LongAdder> byNativeNr = new AtomicReferenceArray<>(NATIVE_SLOTS);
    /** Compat calls (and native numbers beyond the array) by name. */
    private final Map<String, LongAdder> bySyscall = new ConcurrentHashMap<>();
    private final LongAdder continued = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder gone = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private final LongAdder continueRefused = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    /** A native call, by number. */
    void receivedNative(int nr) {
        if (nr < 0 || nr >= NATIVE_SLOTS) {
            received(SyscallTable.get().name(NATIVE, nr));
            return;
        }
        LongAdder n = byNativeNr.get(nr);
        if (n == null) {
            byNativeNr.compareAndSet(nr, null, new LongAdder());
            n = byNativeNr.get(nr);
        }
        n.increment();
    }

    /** A compat call, by its name ("i386 connect"). */
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
        bySyscall.forEach((name, n) -> counts.merge(name, n.sum(), Long::sum));
        for (int nr = 0; nr < NATIVE_SLOTS; nr++) {
            LongAdder n = byNativeNr.get(nr);
            if (n != null) {
                counts.merge(SyscallTable.get().name(NATIVE, nr), n.sum(), Long::sum);
            }
        }
        return new SupervisorStats(Map.copyOf(counts), continued.sum(), answered.sum(), gone.sum(),
                handlerFailures.sum(), continueRefused.sum(), latency.percentile(0.5), latency.percentile(0.99), activeSessions);
    }
}
