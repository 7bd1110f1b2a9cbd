package io.jnerd.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A helper program (slirp4netns, pasta) started by jnerd, with its output in a log file, that
 * is stopped with everything it forked.
 */
public final class HelperProcess {

    private static final long STOP_GRACE_MILLIS = 2_000;

    private final String name;
    private final ProcessHandle handle;
    private final Process process;
    private final Path log;

    private HelperProcess(String name, Process process, ProcessHandle handle, Path log) {
        this.name = name;
        this.process = process;
        this.handle = handle;
        this.log = log;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}, stdin empty. */
    public static HelperProcess start(String name, List<String> command, Path log) throws IOException {
        return start(name, new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())), log);
    }

    /** Starts a prepared builder (stdin and stdout as it says); its stderr is appended to {@code log}. */
    public static HelperProcess start(String name, ProcessBuilder builder, Path log) throws IOException {
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        return new HelperProcess(name, process, process.toHandle(), log);
    }

    /** A process that is not our child (a daemon that forked away), stopped the same way. */
    public static HelperProcess adopt(String name, ProcessHandle handle, Path log) {
        return new HelperProcess(name, null, handle, log);
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** stdout of a process started with a piped stdout. */
    public InputStream stdout() {
        if (process == null) {
            throw new IllegalStateException(name + " was adopted: no stdout");
        }
        return process.getInputStream();
    }

    /** Waits for the process itself to exit and returns its status (-1: not our child). */
    public int waitFor(long timeout, TimeUnit unit) throws IOException {
        try {
            if (process != null) {
                if (!process.waitFor(timeout, unit)) {
                    throw new IOException(name + " did not exit within " + unit.toMillis(timeout) + " ms");
                }
                return process.exitValue();
            }
            handle.onExit().get(timeout, unit);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(name + " did not exit within " + unit.toMillis(timeout) + " ms", e);
        }
    }

    /**
     * SIGTERM to the process and its descendants, SIGKILL to whatever is left after a grace
     * period, then waits. Descendants are collected first: once the parent is gone they are
     * re-parented and can no longer be found from it.
     */
    public void stop() throws IOException {
        List<ProcessHandle> all = handle.descendants().collect(Collectors.toList());
        all.add(0, handle);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        for (ProcessHandle p : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!awaitExit(p, left)) {
                p.destroyForcibly();
                if (!awaitExit(p, TimeUnit.SECONDS.toNanos(5))) {
                    throw new IOException(name + " (pid " + p.pid() + ") survived SIGKILL");
                }
            }
        }
        if (process != null) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean awaitExit(ProcessHandle p, long nanos) {
        try {
            p.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /** The last non-empty line of the log, for one-line errors. */
    public String lastLogLine() {
        return lastLine(log);
    }

    public Path log() {
        return log;
    }

    static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("WARNING:")) {
                    return line;
                }
            }
            return "(no output)";
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
