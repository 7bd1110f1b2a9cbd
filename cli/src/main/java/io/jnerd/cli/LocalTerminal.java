package io.jnerd.cli;

import io.jnerd.engine.container.RunConsole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * jnerd's own terminal during {@code run -it}: raw mode (keys go to the container as typed,
 * Ctrl-C included), the container's pty kept at this terminal's size (SIGWINCH), and the
 * previous mode restored on close. Done with stty(1) on the inherited stdin, since the JDK
 * has no termios API.
 */
final class LocalTerminal {
    private LocalTerminal() {}

    /** Fails with a one-line reason when jnerd's stdin is not a terminal (docker: "the input device is not a TTY"). */
    static void requireTerminal() {
        if (!isTerminal()) {
            throw new io.jnerd.engine.JnerdException("the input device is not a TTY (drop -t, or run from a terminal)");
        }
    }

    static RunConsole.RawTerminal raw(Consumer<int[]> resize) throws IOException {
        String saved = stty("-g").trim();
        stty("raw", "-echo");
        Signal winch = new Signal("WINCH");
        SignalHandler previous = Signal.handle(winch, sig -> size().ifPresent(resize));
        size().ifPresent(resize);
        return () -> {
            Signal.handle(winch, previous);
            try {
                stty(saved);
            } catch (IOException e) {
                System.err.println("jnerd: could not restore the terminal (run 'stty sane'): " + e.getMessage());
            }
        };
    }

    private static boolean isTerminal() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "test -t 0").redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** columns, rows */
    private static java.util.Optional<int[]> size() {
        try {
            String[] rc = stty("size").trim().split("\\s+");
            return java.util.Optional.of(new int[] {Integer.parseInt(rc[1]), Integer.parseInt(rc[0])});
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String stty(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running stty", e);
        }
        return out;
    }
}
