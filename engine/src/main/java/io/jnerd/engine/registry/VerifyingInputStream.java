package io.jnerd.engine.registry;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * A blob as it arrives: hashed and counted while it is read. More bytes than the
 * descriptor's size fail at once; at the end, a short blob or a digest that does not match
 * fails the read that sees the end, so no consumer ever takes the last bytes as good.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final Descriptor expected;
    private final String source;
    private final MessageDigest md = Digest.sha256();
    private final LongConsumer progress;
    private long count;
    private boolean verified;

    VerifyingInputStream(InputStream in, Descriptor expected, String source, LongConsumer progress) {
        super(in);
        this.expected = expected;
        this.source = source;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        md.update(b, off, n);
        count += n;
        if (count > expected.size()) {
            throw new RegistryException("blob " + expected.digest() + " from " + source + " is larger than its "
                    + expected.size() + " bytes: refused");
        }
        progress.accept(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a verified blob is read, not skipped");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        if (count != expected.size()) {
            throw new RegistryException("blob " + expected.digest() + " from " + source + " ended after " + count
                    + " of " + expected.size() + " bytes");
        }
        String actual = Digest.format(md);
        if (!actual.equals(expected.digest())) {
            throw new RegistryException("blob " + expected.digest() + " from " + source
                    + " does not match its digest (got " + actual + "): refused");
        }
        verified = true;
    }
}
