package io.jnerd.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The docker attach/logs stream without a TTY: each write is one frame, an 8-byte header
 * {@code [stream, 0, 0, 0, size (big-endian uint32)]} and then size bytes of payload (moby's
 * api/pkg/stdcopy: 1 stdout, 2 stderr, 3 an error from the daemon). One instance per stream;
 * instances sharing an output take its lock, so frames never interleave.
 */
public final class MultiplexedStream extends OutputStream {

    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int SYSTEMERR = 3;

    private final OutputStream out;
    private final int stream;

    public MultiplexedStream(OutputStream out, int stream) {
        if (stream < 0 || stream > SYSTEMERR) {
            throw new IllegalArgumentException("no such stream: " + stream);
        }
        this.out = out;
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        byte[] frame = new byte[8 + len];
        frame[0] = (byte) stream;
        frame[4] = (byte) (len >>> 24);
        frame[5] = (byte) (len >>> 16);
        frame[6] = (byte) (len >>> 8);
        frame[7] = (byte) len;
        System.arraycopy(b, off, frame, 8, len);
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (out) {
            out.flush();
        }
    }
}
