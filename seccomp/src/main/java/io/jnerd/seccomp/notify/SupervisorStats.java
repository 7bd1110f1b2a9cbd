package io.jnerd.seccomp.notify;

import java.util.Map;

/**
 * A snapshot of a supervisor's work since it started.
 *
 * @param bySyscall     notifications received, by syscall name
 * @param continued     answered CONTINUE
 * @param answered      answered with a value or an errno
 * @param gone          answers nobody took (the target was interrupted or died: ENOENT)
 * @param handlerFailures handler calls that threw (each answered EIO)
 * @param continueRefused CONTINUEs of a call the handler declared it never continues,
 *                      answered EPERM instead: a handler bug, 0 in a correct run
 * @param p50Nanos      median time from RECV to the answer
 * @param p99Nanos      99th percentile of that time
 * @param activeSessions containers being served now
 */
public record SupervisorStats(Map<String, Long> bySyscall, long continued, long answered, long gone,
        long handlerFailures, long continueRefused, long p50Nanos, long p99Nanos, int activeSessions) {

    public long notifications() {
        return bySyscall.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        return "notifications " + bySyscall + ", continued " + continued + ", answered " + answered + ", gone " + gone
                + ", handler failures " + handlerFailures + ", continue refused " + continueRefused + ", latency p50 " + p50Nanos / 1000 + " us p99 "
                + p99Nanos / 1000 + " us, active sessions " + activeSessions;
    }
}
