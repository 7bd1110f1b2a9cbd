package io.jnerd.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar archive (POSIX.1-1988 header, 512-byte blocks): enough for image
 * layers and OCI layouts built by jnerd, whose names fit ustar's 100 + 155 bytes. Owner is
 * root (0:0), mtime is fixed at 0 so the same input gives the same layer digest.
 */
public final class TarWriter implements AutoCloseable {
    private static final int BLOCK = 512;
    private final OutputStream out;
    private long pendingFileBytes;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    public void add(TarEntry entry, InputStream content) throws IOException {
        putHeader(entry);
        if (entry.isFile()) {
            long copied = content.transferTo(out);
            if (copied != entry.size()) {
                throw new IOException("tar entry " + entry.name() + ": expected " + entry.size() + " bytes, got " + copied);
            }
            pad(copied);
        }
    }

    public void add(TarEntry entry, byte[] content) throws IOException {
        add(entry, new java.io.ByteArrayInputStream(content));
    }

    public void addDirectory(String name, int mode) throws IOException {
        putHeader(TarEntry.directory(name, mode));
    }

    private void putHeader(TarEntry e) throws IOException {
        byte[] h = new byte[BLOCK];
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        if (name.length <= 100) {
            System.arraycopy(name, 0, h, 0, name.length);
        } else {
            int split = splitPoint(e.name());
            byte[] prefix = e.name().substring(0, split).getBytes(StandardCharsets.UTF_8);
            byte[] rest = e.name().substring(split + 1).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(rest, 0, h, 0, rest.length);
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        octal(h, 100, 8, e.mode() & 07777);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, e.isFile() ? e.size() : 0);
        octal(h, 136, 12, 0);
        h[156] = (byte) e.type();
        byte[] link = e.linkName().getBytes(StandardCharsets.UTF_8);
        if (link.length > 100) {
            throw new IOException("tar: link target longer than 100 bytes: " + e.linkName());
        }
        System.arraycopy(link, 0, h, 157, link.length);
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        // The checksum is computed with its own field taken as eight spaces.
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String chk = String.format("%06o", sum);
        System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
    }

    /** Where to cut a long name into ustar's prefix (up to 155 bytes) and name (up to 100). */
    private static int splitPoint(String name) throws IOException {
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
            if (i <= 155 && name.length() - i - 1 <= 100) {
                return i;
            }
        }
        throw new IOException("tar: name too long for ustar: " + name);
    }

    private static void octal(byte[] h, int offset, int width, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(width - 1 - s.length()) + s;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, width - 1);
        h[offset + width - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
        }
    }

    /** Writes the end-of-archive marker (two zero blocks) and closes the stream. */
    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.close();
    }
}
