package io.jnerd.engine.container;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One output stream of a daemon-run container: every write goes to its log and to each
 * attached client. A client whose write fails (it hung up) is dropped and told so; the log
 * and the other clients go on.
 */
final class FanOut extends OutputStream {
    /** An attached client's stream, and what to tell when it is dropped. */
    record Sink(OutputStream out, Runnable dropped) {}

    private final OutputStream log;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();

    /** @param log shared by both streams of a container (writes lock it, so lines never interleave) */
    FanOut(OutputStream log) {
        this.log = log;
    }

    void add(Sink sink) {
        sinks.add(sink);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (log) {
            log.write(b, off, len);
            log.flush();
        }
        for (Sink s : sinks) {
            try {
                s.out().write(b, off, len);
                s.out().flush();
            } catch (IOException e) {
                sinks.remove(s);
                s.dropped().run();
            }
        }
    }
}
