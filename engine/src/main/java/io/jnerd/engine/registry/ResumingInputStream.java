package io.jnerd.engine.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blob download that survives a dropped connection: when the body breaks off (an
 * IOException, or an end before the expected size), the rest is asked for again from the
 * offset reached ({@code Range: bytes=N-}), a bounded number of times, as containerd's
 * fetcher does. Verification sits above this stream and sees one continuous blob.
 *
 * <p>java.net.http has no read timeout for a response body, so a connection that stalls
 * would block a read forever; a watchdog closes a body that gave no byte for the stall
 * time, which fails the blocked read and so resumes it too. An interrupted reader, or a
 * stream closed from another thread (a cancelled pull), is not resumed: the download ends.
 */
final class ResumingInputStream extends InputStream {
    /** Opens the blob from an offset. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset) throws IOException;
    }

    static final int MAX_RESUMES = 3;
    static final Duration STALL = Duration.ofSeconds(60);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jnerd-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Opener opener;
    private final long size;
    private final long stallNanos;
    private final ScheduledFuture<?> watch;
    private volatile InputStream current;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean closed;
    private long offset;
    private int resumes;

    ResumingInputStream(Opener opener, long size) throws IOException {
        this(opener, size, STALL);
    }

    ResumingInputStream(Opener opener, long size, Duration stall) throws IOException {
        this.opener = opener;
        this.size = size;
        this.stallNanos = stall.toNanos();
        this.current = opener.open(0);
        long check = Math.max(1, stall.toMillis() / 4);
        this.watch = WATCHDOG.scheduleWithFixedDelay(this::closeIfStalled, check, check, TimeUnit.MILLISECONDS);
    }

    private void closeIfStalled() {
        if (System.nanoTime() - lastProgress > stallNanos) {
            stalled = true;
            lastProgress = System.nanoTime();
            closeQuietly();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int n;
            try {
                n = current.read(b, off, len);
            } catch (RegistryException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    // java.net.http's body stream reports an interrupt (JDK 21) or a close as a plain
                    // IOException: the reader is being stopped (a cancelled pull), not the connection broken.
                    throw stopped();
                }
                resume(e);
                continue;
            }
            if (n < 0 && offset < size) {
                resume(null);
                continue;
            }
            if (n > 0) {
                offset += n;
                lastProgress = System.nanoTime();
            }
            return n;
        }
    }

    private void resume(IOException cause) throws IOException {
        if (closed) {
            // A body closed under its reader may end as if the registry had ended it.
            throw stopped();
        }
        if (++resumes > MAX_RESUMES) {
            watch.cancel(false);
            String why = stalled ? "no data for " + stallNanos / 1_000_000_000 + " s"
                    : cause == null ? "the connection closed early" : cause.getMessage();
            throw new RegistryException(0, "download broke off at byte " + offset + " of " + size + " " + MAX_RESUMES
                    + " times: " + why, cause);
        }
        closeQuietly();
        stalled = false;
        current = opener.open(offset);
        lastProgress = System.nanoTime();
        if (closed) {
            // Closed while the new body was being opened: it goes too.
            closeQuietly();
            throw stopped();
        }
    }

    private InterruptedIOException stopped() {
        return new InterruptedIOException("download stopped at byte " + offset + " of " + size);
    }

    private void closeQuietly() {
        try {
            current.close();
        } catch (IOException ignored) {
            // the broken body is being replaced
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watch.cancel(false);
        current.close();
    }
}
