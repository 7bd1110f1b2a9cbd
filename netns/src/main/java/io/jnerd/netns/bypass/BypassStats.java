package io.jnerd.netns.bypass;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the bypass did for one container beyond the supervisor's own counters (which have
 * notifications per syscall and the handler latency p50/p99): verdicts, sockets switched,
 * errors. Safe to update and read from any thread.
 */
public final class BypassStats {

    /** By {@link Verdict#ordinal()}: one array read per connect, where a map made a lookup and a lambda. */
    private final LongAdder[] verdicts = adders(Verdict.values().length);
    private final LongAdder connectsSwitched = new LongAdder();
    private final LongAdder bindsSwitched = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder refusedOnHostSockets = new LongAdder();
    private final LongAdder udpConnectsNotSwitched = new LongAdder();
    private final LongAdder udpBindsNotSwitched = new LongAdder();
    private final LongAdder socketcallNotGuarded = new LongAdder();
    private final LongAdder connectsInjectedWhenConnected = new LongAdder();
    private final LongAdder bindsListeningAtOnce = new LongAdder();
    private final LongAdder compatRefused = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void verdict(Verdict v) {
        verdicts[v.ordinal()].increment();
    }

    void connectSwitched() {
        connectsSwitched.increment();
    }

    void bindSwitched() {
        bindsSwitched.increment();
    }

    void refusedOnHostSocket() {
        refusedOnHostSockets.increment();
    }

    void refusedCompat() {
        compatRefused.increment();
    }

    void error() {
        errors.increment();
    }

    /** A switch left out because of what the filter does not guard ({@link GuardedCalls}). */
    void notSwitched(Verdict why, boolean bind) {
        if (why == Verdict.SOCKETCALL_NOT_GUARDED) {
            socketcallNotGuarded.increment();
        } else if (bind) {
            udpBindsNotSwitched.increment();
        } else {
            udpConnectsNotSwitched.increment();
        }
    }

    void connectInjectedWhenConnected() {
        connectsInjectedWhenConnected.increment();
    }

    void bindListeningAtOnce() {
        bindsListeningAtOnce.increment();
    }

    public long connectsSwitched() {
        return connectsSwitched.sum();
    }

    public long bindsSwitched() {
        return bindsSwitched.sum();
    }

    /**
     * Calls refused on a host socket: sends to a destination a switched connect may not
     * reach either, and listen on one not bound for a published port.
     */
    public long refusedOnHostSockets() {
        return refusedOnHostSockets.sum();
    }

    /** Compat-ABI calls (i386, x32, 32-bit ARM) refused with EPERM: see {@link CompatCalls}. */
    public long compatRefused() {
        return compatRefused.sum();
    }

    /** Notifications the switch could not serve (logged one line each, answered with an errno). */
    public long errors() {
        return errors.sum();
    }

    /**
     * Degraded because the container's filter does not notify sends ({@link GuardedCalls}):
     * UDP connects performed on the container's own socket instead of switched.
     */
    public long udpConnectsNotSwitched() {
        return udpConnectsNotSwitched.sum();
    }

    /** Connects and published binds kept in the container because the filter lets the i386 socketcall run unseen. */
    public long socketcallNotGuarded() {
        return socketcallNotGuarded.sum();
    }

    /** Degraded as {@link #udpConnectsNotSwitched}: binds of a published UDP port kept in the container. */
    public long udpBindsNotSwitched() {
        return udpBindsNotSwitched.sum();
    }

    /**
     * Degraded because sends or listen are not notified: switched TCP connects whose host
     * socket went into the container only once connected (a failed one never does), so
     * blocking and non-blocking connects alike wait for the handshake.
     */
    public long connectsInjectedWhenConnected() {
        return connectsInjectedWhenConnected.sum();
    }

    /** Degraded as {@link #connectsInjectedWhenConnected}: published TCP binds whose host socket listens from the bind on. */
    public long bindsListeningAtOnce() {
        return bindsListeningAtOnce.sum();
    }

    public long verdicts(Verdict v) {
        return verdicts[v.ordinal()].sum();
    }

    /** A snapshot for the daemon's {@code GET /v1/bypass/{id}/stats} (plain maps, JSON-ready). */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new TreeMap<>();
        Map<String, Long> perVerdict = new TreeMap<>();
        for (Verdict v : Verdict.values()) {
            // Only verdicts given at least once, as when they were kept in a map.
            long n = verdicts(v);
            if (n > 0) {
                perVerdict.put(v.name(), n);
            }
        }
        m.put("verdicts", perVerdict);
        m.put("connectsSwitched", connectsSwitched());
        m.put("bindsSwitched", bindsSwitched());
        m.put("refusedOnHostSockets", refusedOnHostSockets());
        m.put("compatRefused", compatRefused());
        m.put("errors", errors());
        Map<String, Long> degraded = new TreeMap<>();
        degraded.put("udpConnectsNotSwitched", udpConnectsNotSwitched());
        degraded.put("udpBindsNotSwitched", udpBindsNotSwitched());
        degraded.put("socketcallNotGuarded", socketcallNotGuarded());
        degraded.put("connectsInjectedWhenConnected", connectsInjectedWhenConnected());
        degraded.put("bindsListeningAtOnce", bindsListeningAtOnce());
        m.put("degraded", degraded);
        return m;
    }
}
