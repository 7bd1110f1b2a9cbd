package io.jnerd.cli;

import io.jnerd.engine.container.RunConsole;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * What a command reads, writes and sees: the process's own streams and environment when
 * run from {@link Main}, replaced by tests that run commands in-process. It is also what a
 * foreground {@code run} is attached to.
 */
public final class Terminal implements RunConsole {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Function<IntConsumer, Forwarding> signals;

    public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this(in, out, err, env, SignalForwarder::new);
    }

    /**
     * A terminal whose signals (SIGINT, SIGTERM, SIGHUP meant for the container) come from
     * {@code signals} instead of this process's own handlers: the warm server's, where they
     * arrive over the client's socket and the JVM's handlers belong to no one command.
     */
    public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
            Function<IntConsumer, Forwarding> signals) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.signals = signals;
    }

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, System.getenv());
    }

    /**
     * Whether this process's console is an interactive terminal. Up to JDK 21 that is
     * {@code System.console() != null}; from JDK 22 on, console() is non-null even with
     * redirected streams and {@code Console.isTerminal()} (JDK 22) tells, so it is asked
     * when the running JDK has it (jnerd compiles for 17).
     */
    public static boolean systemConsoleIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException beforeJdk22) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    /** Characters beyond ASCII, or their stand-ins, as this terminal's locale can show them. */
    public Glyphs glyphs() {
        return Glyphs.of(env);
    }

    @Override
    public void requireTerminal() {
        LocalTerminal.requireTerminal();
    }

    @Override
    public RawTerminal rawTerminal(Consumer<int[]> resize) throws IOException {
        return LocalTerminal.raw(resize);
    }

    @Override
    public Forwarding forwardSignals(IntConsumer toContainer) {
        return signals.apply(toContainer);
    }

    @Override
    public void warn(String line) {
        err.println("jnerd: " + line);
    }
}
