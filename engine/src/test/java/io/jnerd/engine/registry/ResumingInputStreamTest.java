package io.jnerd.engine.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResumingInputStreamTest {
    private static final byte[] BLOB = new byte[10_000];

    static {
        for (int i = 0; i < BLOB.length; i++) {
            BLOB[i] = (byte) (i * 31);
        }
    }

    /** Serves the blob from an offset, but only {@code perTransfer} bytes each time. */
    private static ResumingInputStream.Opener shortTransfers(int perTransfer, List<Long> offsets) {
        return offset -> {
            offsets.add(offset);
            int end = (int) Math.min(BLOB.length, offset + perTransfer);
            return new ByteArrayInputStream(Arrays.copyOfRange(BLOB, (int) offset, end));
        };
    }

    @Test
    void bodiesThatEndEarlyAreContinuedFromTheirOffset() throws Exception {
        List<Long> offsets = new ArrayList<>();
        try (InputStream in = new ResumingInputStream(shortTransfers(4000, offsets), BLOB.length)) {
            assertArrayEquals(BLOB, in.readAllBytes());
        }
        assertEquals(List.of(0L, 4000L, 8000L), offsets);
    }

    @Test
    void givesUpAfterBoundedResumes() {
        List<Long> offsets = new ArrayList<>();
        RegistryException e = assertThrows(RegistryException.class, () -> {
            try (InputStream in = new ResumingInputStream(shortTransfers(100, offsets), BLOB.length)) {
                in.readAllBytes();
            }
        });
        assertEquals(1 + ResumingInputStream.MAX_RESUMES, offsets.size());
        assertTrue(e.getMessage().startsWith("download broke off at byte 400 of 10000"), e.getMessage());
    }

    @Test
    void anInterruptedReaderIsNotResumed() {
        List<Long> offsets = new ArrayList<>();
        // As java.net.http's body stream: an interrupt while waiting is a plain IOException, flag kept.
        ResumingInputStream.Opener interrupting = offset -> {
            offsets.add(offset);
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    Thread.currentThread().interrupt();
                    throw new IOException(new InterruptedException());
                }
            };
        };
        try {
            assertThrows(InterruptedIOException.class, () -> {
                try (InputStream in = new ResumingInputStream(interrupting, BLOB.length)) {
                    in.read();
                }
            });
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(0L), offsets);
    }

    /**
     * A pull cancelled from another thread closes the stream under its blocked reader (JDK 17's
     * java.net.http body stream swallows an interrupt): the read fails, no new body is asked for.
     */
    @Test
    void aStreamClosedUnderItsReaderIsNotResumed() throws Exception {
        List<Long> offsets = new CopyOnWriteArrayList<>();
        ResumingInputStream.Opener stalls = offset -> {
            offsets.add(offset);
            return new StallingStream(Arrays.copyOf(BLOB, 500));
        };
        ResumingInputStream in = new ResumingInputStream(stalls, BLOB.length);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                in.readAllBytes();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        in.close();
        assertTrue(reader.get(30, TimeUnit.SECONDS) instanceof InterruptedIOException, () -> reader.join().toString());
        assertEquals(List.of(0L), offsets);
    }

    @Test
    void stalledBodyIsClosedByTheWatchdogAndResumed() throws Exception {
        List<Long> offsets = new ArrayList<>();
        ResumingInputStream.Opener stallsFirst = offset -> {
            offsets.add(offset);
            return offset == 0 ? new StallingStream(Arrays.copyOf(BLOB, 500)) : new ByteArrayInputStream(
                    Arrays.copyOfRange(BLOB, (int) offset, BLOB.length));
        };
        try (InputStream in = new ResumingInputStream(stallsFirst, BLOB.length, Duration.ofMillis(200))) {
            assertArrayEquals(BLOB, in.readAllBytes());
        }
        assertEquals(List.of(0L, 500L), offsets);
    }

    @Test
    void stalledHttpBodyOfTheJdkClientIsUnblockedByTheWatchdog() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, BLOB.length);
            ex.getResponseBody().write(BLOB, 0, 500);
            ex.getResponseBody().flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            HttpClient http = HttpClient.newHttpClient();
            ResumingInputStream.Opener opener = offset -> {
                if (offset > 0) {
                    return new ByteArrayInputStream(Arrays.copyOfRange(BLOB, (int) offset, BLOB.length));
                }
                try {
                    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream()).body();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            };
            try (InputStream in = new ResumingInputStream(opener, BLOB.length, Duration.ofMillis(300))) {
                assertArrayEquals(BLOB, in.readAllBytes());
            }
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /** Gives its bytes, then blocks (as a stalled connection does) until closed. */
    private static final class StallingStream extends InputStream {
        private final ByteArrayInputStream head;
        private final CountDownLatch closed = new CountDownLatch(1);

        StallingStream(byte[] head) {
            this.head = new ByteArrayInputStream(head);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = head.read(b, off, len);
            if (n > 0) {
                return n;
            }
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("closed");
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
