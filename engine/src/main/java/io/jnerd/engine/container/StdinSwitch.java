package io.jnerd.engine.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A daemon-run container's stdin, fed by whichever attached client brought one: the first
 * client's input until it ends, then (docker's OpenStdin without StdinOnce) the next
 * client's. With {@code once} (StdinOnce) the first client's end is the end, so the
 * container's stdin is closed (what {@code echo hi | docker run -i IMG cat} needs).
 */
final class StdinSwitch extends InputStream {
    private final boolean once;
    private InputStream source;
    private boolean ended;

    StdinSwitch(boolean once) {
        this.once = once;
    }

    /** A client's input; ignored while another one feeds the container. */
    synchronized void offer(InputStream in) {
        if (source == null && !ended) {
            source = in;
            notifyAll();
        }
    }

    /** The run ended: no more input is wanted. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            InputStream in;
            synchronized (this) {
                while (source == null && !ended) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for an attached client's input");
                    }
                }
                if (source == null) {
                    return -1;
                }
                in = source;
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException clientGone) {
                n = -1;
            }
            if (n >= 0) {
                return n;
            }
            synchronized (this) {
                source = null;
                if (once) {
                    ended = true;
                }
            }
        }
    }
}
