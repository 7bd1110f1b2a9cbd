package io.jnerd.api;

import io.jnerd.http.RawStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An attach's streams, handed to the engine when the request is routed, before the
 * connection is hijacked: docker run starts the container as soon as its attach's head
 * arrived, and the container's first output must not be lost. They block until the hijack
 * binds the connection (a client that is gone by then fails them within the bound).
 */
final class HijackedStreams {
    /** The head goes out right after routing; a client that never got it is gone. */
    private static final long BIND_SECONDS = 30;

    private final CompletableFuture<RawStream> raw = new CompletableFuture<>();

    void bind(RawStream stream) {
        raw.complete(stream);
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                stream().output().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                stream().output().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                stream().output().flush();
            }
        };
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return stream().input().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return stream().input().read(b, off, len);
            }
        };
    }

    private RawStream stream() throws IOException {
        try {
            return raw.get(BIND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted before the attach was hijacked", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the attaching client never took its connection over", e);
        }
    }
}
