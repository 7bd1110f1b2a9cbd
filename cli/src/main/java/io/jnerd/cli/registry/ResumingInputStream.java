package io.jnerd.cli.registry;

import java.io.IOException;
import java.io.InputStream;

/**
 * A blob download that survives a dropped connection: when the body breaks off (an
 * IOException, or an end before the expected size), the rest is asked for again from the
 * offset reached ({@code Range: bytes=N-}), a bounded number of times, as containerd's
 * fetcher does. Verification sits above this stream and sees one continuous blob.
 */
final class ResumingInputStream extends InputStream {
    /** Opens the blob from an offset. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset) throws IOException;
    }

    static final int MAX_RESUMES = 3;
    private final Opener opener;
    private final long size;
    private InputStream current;
    private long offset;
    private int resumes;

    ResumingInputStream(Opener opener, long size) throws IOException {
        this.opener = opener;
        this.size = size;
        this.current = opener.open(0);
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
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n < 0 && offset < size) {
                resume(null);
                continue;
            }
            if (n > 0) {
                offset += n;
            }
            return n;
        }
    }

    private void resume(IOException cause) throws IOException {
        if (++resumes > MAX_RESUMES) {
            String why = cause == null ? "the connection closed early" : cause.getMessage();
            throw new RegistryException(0, "download broke off at byte " + offset + " of " + size + " " + MAX_RESUMES
                    + " times: " + why, cause);
        }
        closeQuietly();
        current = opener.open(offset);
    }

    private void closeQuietly() {
        try {
            current.close();
        } catch (IOException ignored) {
            // the broken body is being replaced
        }
    }

    /** How often the download was resumed (for progress and tests). */
    int resumes() {
        return resumes;
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
