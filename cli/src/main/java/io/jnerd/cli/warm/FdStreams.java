package io.jnerd.cli.warm;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams over a client's stdin, stdout or stderr received by SCM_RIGHTS: read(2) and
 * write(2) on the very open file the client has, so a {@code >>} redirection appends and a
 * pipe's reader sees the output as the client's own. The fd is the session's; closing a
 * stream does not close it.
 */
final class FdStreams {
    private FdStreams() {}

    static InputStream input(Fd fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = Sockets.read(fd, b, off, len);
                if (n < 0) {
                    throw new SyscallException("read", io.jnerd.nativebindings.Errno.EAGAIN,
                            fd + ": the client's stdin is non-blocking");
                }
                return n == 0 ? -1 : n;
            }
        };
    }

    static OutputStream output(Fd fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Sockets.writeFully(fd, java.util.Arrays.copyOfRange(b, off, off + len));
            }
        };
    }
}
