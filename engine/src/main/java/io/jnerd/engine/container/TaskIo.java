package io.jnerd.engine.container;

import io.jnerd.nativebindings.Fifos;
import io.jnerd.nativebindings.SyscallException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A foreground container's stdio: named pipes in a directory jnerd owns, which the shim
 * opens at task create, and one thread per stream copying between them and jnerd's own
 * streams. Opening a FIFO blocks until the other side opens it (fifo(7)), so each thread
 * opens its own; {@link #close()} releases the ones the shim never opened.
 */
final class TaskIo implements AutoCloseable {
    private final Path stdin;
    private final Path stdout;
    private final Path stderr;
    private final List<Copier> copiers = new ArrayList<>();

    private TaskIo(Path stdin, Path stdout, Path stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** With a terminal there is no separate stderr: the pty carries both output streams. */
    static TaskIo create(Path dir, boolean withStdin, boolean terminal) throws IOException {
        Path in = withStdin ? dir.resolve("stdin") : null;
        Path out = dir.resolve("stdout");
        Path err = terminal ? null : dir.resolve("stderr");
        try {
            for (Path fifo : new Path[] {in, out, err}) {
                if (fifo != null) {
                    Fifos.make(fifo.toString(), 0600);
                }
            }
        } catch (SyscallException e) {
            throw new IOException("cannot make the task's FIFOs in " + dir + ": " + e.getMessage(), e);
        }
        return new TaskIo(in, out, err);
    }

    String stdinPath() {
        return stdin == null ? "" : stdin.toString();
    }

    String stdoutPath() {
        return stdout.toString();
    }

    String stderrPath() {
        return stderr == null ? "" : stderr.toString();
    }

    /**
     * Starts copying; call before task create (the shim's opens pair with these).
     * {@code stdinDone} runs when jnerd's stdin reached EOF and its FIFO is closed: the shim
     * does not pass that EOF on by itself (it holds the FIFO open), the client must ask it
     * to close the process's stdin (Tasks.CloseIO).
     */
    void start(InputStream in, OutputStream out, OutputStream err, Runnable stdinDone) {
        copiers.add(new Copier(stdout, true, out, null));
        if (stderr != null) {
            copiers.add(new Copier(stderr, true, err, null));
        }
        if (stdin != null) {
            copiers.add(new Copier(stdin, false, in, stdinDone));
        }
        copiers.forEach(Thread::start);
    }

    /** Waits for stdout and stderr to reach EOF (the shim closes them after the process exits). */
    void awaitOutput(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (Copier c : copiers) {
            if (c.fromFifo) {
                c.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
    }

    @Override
    public void close() {
        for (Copier c : copiers) {
            if (c.isAlive() && !c.opened) {
                c.release();
            }
        }
        for (Path p : new Path[] {stdin, stdout, stderr}) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the directory goes with the container's state dir
                }
            }
        }
    }

    private static final class Copier extends Thread {
        private final Path fifo;
        private final boolean fromFifo;
        private final Object stream;
        private final Runnable done;
        private volatile boolean opened;

        Copier(Path fifo, boolean fromFifo, Object stream, Runnable done) {
            super("jnerd-io-" + fifo.getFileName());
            setDaemon(true);
            this.fifo = fifo;
            this.fromFifo = fromFifo;
            this.stream = stream;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                if (fromFifo) {
                    try (InputStream in = new FileInputStream(fifo.toFile())) {
                        opened = true;
                        copy(in, (OutputStream) stream);
                    }
                } else {
                    try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                        opened = true;
                        copy((InputStream) stream, out);
                    }
                    done.run();
                }
            } catch (IOException e) {
                // The container closed its side (EPIPE on stdin) or the FIFO was released: done.
            }
        }

        private static void copy(InputStream in, OutputStream out) throws IOException {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        }

        /** Opens the other end once, so a thread blocked in open(2) returns and ends. */
        void release() {
            Thread t = new Thread(() -> {
                try {
                    if (fromFifo) {
                        new FileOutputStream(fifo.toFile()).close();
                    } else {
                        new FileInputStream(fifo.toFile()).close();
                    }
                } catch (IOException ignored) {
                    // already gone
                }
            }, "jnerd-io-release");
            t.setDaemon(true);
            t.start();
            try {
                join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
