package io.jnerd.nativebindings;

import java.util.Locale;
import java.util.Map;

/**
 * Signal numbers by name, as {@code kill -s} and {@code docker kill -s} take them. These are
 * the numbers of x86-64 and arm64 (the generic asm-generic/signal.h); mips, sparc and alpha
 * number some differently, and jnerd runs on neither.
 */
public final class Signals {
    /** The highest signal number (_NSIG, 64 since Linux 2.5); 32 to 64 are the real-time ones. */
    private static final int RTMAX = 64;
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
            Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
            Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {}

    /**
     * {@code KILL}, {@code SIGKILL}, {@code sigkill} or {@code 9}.
     *
     * @throws IllegalArgumentException one line naming the signal when it is none
     */
    public static int parse(String signal) {
        String name = signal.toUpperCase(Locale.ROOT);
        if (name.matches("[0-9]{1,2}")) {
            int n = Integer.parseInt(name);
            if (n >= 1 && n <= RTMAX) {
                return n;
            }
        }
        Integer n = NUMBERS.get(name.startsWith("SIG") ? name.substring(3) : name);
        if (n == null) {
            throw new IllegalArgumentException("invalid signal: " + signal);
        }
        return n;
    }
}
