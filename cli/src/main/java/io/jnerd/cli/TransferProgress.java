package io.jnerd.cli;

import io.jnerd.engine.registry.TransferEvents;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Progress of a pull or push, one line per blob: on a terminal the lines are redrawn in
 * place (ANSI cursor-up and erase-line) at most ten times a second; otherwise each blob
 * gets one plain line when it is done; quiet prints nothing.
 */
public final class TransferProgress implements TransferEvents {
    /** How progress is shown. */
    public enum Mode { QUIET, PLAIN, ANSI }

    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintStream out;
    private final Mode mode;
    private final List<Line> lines = new ArrayList<>();
    private int drawn;
    private long lastDraw;

    public TransferProgress(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    /** ANSI when stdout is the process's own and a terminal, plain otherwise; quiet wins. */
    public static Mode modeFor(PrintStream out, boolean quiet) {
        if (quiet) {
            return Mode.QUIET;
        }
        return out == System.out && Terminal.systemConsoleIsTerminal() ? Mode.ANSI : Mode.PLAIN;
    }

    /** A blob being transferred; {@code id} is its short digest. */
    public final class Line implements TransferEvents.Blob {
        private final String id;
        private final String verb;
        private final long total;
        private long done;
        private String status;

        private Line(String id, String verb, long total) {
            this.id = id;
            this.verb = verb;
            this.total = total;
        }

        @Override
        public void advance(long n) {
            synchronized (TransferProgress.this) {
                done += n;
                redraw(false);
            }
        }

        @Override
        public void finish(String finalStatus) {
            synchronized (TransferProgress.this) {
                status = finalStatus;
                if (mode == Mode.PLAIN) {
                    out.println(id + ": " + finalStatus + " " + size(total));
                }
                redraw(true);
            }
        }

        private String render() {
            if (status != null) {
                return id + ": " + status + " " + size(total);
            }
            int width = 30;
            int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
            return id + ": " + verb + " [" + "=".repeat(filled) + " ".repeat(width - filled) + "] "
                    + size(done) + "/" + size(total);
        }
    }

    @Override
    public synchronized Line start(String digest, String verb, long total) {
        Line l = new Line(shortId(digest), verb, total);
        lines.add(l);
        redraw(true);
        return l;
    }

    /** A line for a finished step that is not a transfer ("pushed manifest …", "verified …"). */
    @Override
    public synchronized void say(String message) {
        if (mode != Mode.QUIET) {
            out.println(message);
            drawn = 0;
            lines.clear();
        }
    }

    private void redraw(boolean force) {
        if (mode != Mode.ANSI) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append("\033[").append(drawn).append('A');
        }
        for (Line l : lines) {
            sb.append("\r\033[2K").append(l.render()).append('\n');
        }
        out.print(sb);
        out.flush();
        drawn = lines.size();
    }

    static String shortId(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
