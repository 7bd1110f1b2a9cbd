package io.jnerd.engine.container;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One run of a container the daemon started, and the clients attached to it: attached
 * before the start (docker run attaches, then starts) or while it runs. Its FIFOs are the
 * task's stdio ({@link TaskIo}); output goes to the container's log and to every attached
 * client, stdin comes from an attached client ({@link StdinSwitch}).
 */
final class AttachedRun {
    private record Client(OutputStream out, OutputStream err, InputStream in, CompletableFuture<Void> done) {}

    private final List<Client> waiting = new ArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private FanOut out;
    private FanOut err;
    private StdinSwitch stdin;
    private TaskIo io;
    private OutputStream log;

    /**
     * A client's streams (each may be null: not attached to it); done once the run's output
     * ended or the client's output failed (it hung up).
     */
    synchronized CompletableFuture<Void> attach(OutputStream clientOut, OutputStream clientErr, InputStream clientIn) {
        Client c = new Client(clientOut, clientErr, clientIn, new CompletableFuture<>());
        ended.thenRun(() -> c.done().complete(null));
        if (io != null) {
            connect(c);
        } else if (!ended.isDone()) {
            waiting.add(c);
        }
        return c.done();
    }

    /**
     * Makes the FIFOs in {@code stateDir} and starts copying (before task create: the shim's
     * opens pair with these).
     *
     * @param stdinMode null: no stdin; "once" or "open" ({@link ContainerLabels#STDIN})
     * @param closeStdin asks containerd to close the process's stdin once the input ended
     */
    synchronized ContainerStarter.TaskStdio begin(Path stateDir, Path logFile, boolean tty, String stdinMode,
            Runnable closeStdin) throws IOException {
        log = new FileOutputStream(logFile.toFile(), true);
        out = new FanOut(log);
        err = tty ? out : new FanOut(log);
        stdin = stdinMode == null ? null : new StdinSwitch(stdinMode.equals("once"));
        io = TaskIo.create(stateDir, stdin != null, tty);
        waiting.forEach(this::connect);
        waiting.clear();
        io.start(stdin, out, err, closeStdin);
        return new ContainerStarter.TaskStdio(io.stdinPath(), io.stdoutPath(), io.stderrPath());
    }

    private void connect(Client c) {
        if (c.out() != null) {
            out.add(new FanOut.Sink(c.out(), () -> c.done().complete(null)));
        }
        if (c.err() != null && err != out) {
            err.add(new FanOut.Sink(c.err(), () -> c.done().complete(null)));
        }
        if (c.in() != null && stdin != null) {
            stdin.offer(c.in());
        }
    }

    /** The task exited (or never started): waits up to {@code drainMillis} for its output, then lets the clients go. */
    void end(long drainMillis) throws InterruptedException {
        TaskIo taskIo;
        synchronized (this) {
            taskIo = io;
        }
        try {
            if (taskIo != null) {
                taskIo.awaitOutput(drainMillis);
                if (stdin != null) {
                    stdin.end();
                }
                taskIo.close();
                log.close();
            }
        } catch (IOException e) {
            // The log is closed either way.
        } finally {
            ended.complete(null);
        }
    }
}
