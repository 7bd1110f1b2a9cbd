package io.jnerd.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed body's output, which also tells the producer that its client hung up. A
 * producer that writes only now and then (a pull stalled inside a layer, a silent log) would
 * otherwise learn it only at its next write; {@link #onHangUp} lets it stop what it holds for
 * the client at once. The server signals a close of the connection or the end of its input
 * (for an HTTP body that is a hang-up: Go's server cancels such a request's context too).
 */
public final class StreamOutput extends FilterOutputStream {

    private final List<Runnable> hangUpActions = new ArrayList<>();
    private boolean gone;
    private boolean finished;

    StreamOutput(OutputStream out) {
        super(out);
    }

    /**
     * Runs {@code action} once when the client hangs up while the body is being written (at
     * once, on the caller's thread, if it already has); never after the body's producer
     * returned. It may run on the server's event loop: it must only signal (interrupt,
     * cancel), never block.
     */
    public void onHangUp(Runnable action) {
        synchronized (this) {
            if (finished) {
                return;
            }
            if (!gone) {
                hangUpActions.add(action);
                return;
            }
        }
        action.run();
    }

    /** The client hung up: the registered actions run, once. */
    void hangUp() {
        List<Runnable> actions;
        synchronized (this) {
            if (gone || finished) {
                return;
            }
            gone = true;
            actions = List.copyOf(hangUpActions);
            hangUpActions.clear();
        }
        actions.forEach(Runnable::run);
    }

    /** The producer returned: nothing it registered may run any more. */
    synchronized void finish() {
        finished = true;
        hangUpActions.clear();
    }

    /** In one piece: FilterOutputStream's would write byte by byte. */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }
}
