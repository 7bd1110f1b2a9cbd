package io.jnerd.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads, writes and sees: the process's own streams and environment when
 * run from {@link Main}, replaced by tests that run commands in-process.
 */
public final class Terminal {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
    }

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, System.getenv());
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }
}
