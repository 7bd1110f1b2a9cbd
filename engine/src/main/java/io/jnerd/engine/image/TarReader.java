package io.jnerd.engine.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads tar archives as docker, skopeo, umoci and GNU tar write them: ustar headers, GNU
 * long names ('L'/'K') and PAX extended headers ('x', for path, linkpath and size).
 * {@link #next()} gives each member; {@link #content()} streams its bytes.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    private final InputStream in;
    private long remaining;
    private long padding;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next member, or null at the end of the archive. */
    public TarEntry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = new HashMap<>();
        while (true) {
            byte[] h = in.readNBytes(BLOCK);
            if (h.length == 0 || isZero(h)) {
                return null;
            }
            if (h.length < BLOCK) {
                throw new EOFException("tar: truncated header");
            }
            verifyChecksum(h);
            char type = h[156] == 0 ? TarEntry.FILE : (char) h[156];
            long size = number(h, 124, 12);
            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                byte[] data = readExact(size);
                skip(padFor(size));
                if (type == 'L') {
                    longName = cString(data, 0, data.length);
                } else if (type == 'K') {
                    longLink = cString(data, 0, data.length);
                } else if (type == 'x') {
                    pax.putAll(parsePax(data));
                }
                continue;
            }
            String name = longName != null ? longName : pax.getOrDefault("path", ustarName(h));
            String link = longLink != null ? longLink : pax.getOrDefault("linkpath", cString(h, 157, 100));
            if (pax.containsKey("size")) {
                size = Long.parseLong(pax.get("size"));
            }
            if (type == '7') {
                type = TarEntry.FILE;
            }
            int mode = (int) number(h, 100, 8);
            boolean hasData = type == TarEntry.FILE;
            remaining = hasData ? size : 0;
            padding = hasData ? padFor(size) : 0;
            return new TarEntry(name, type, hasData ? size : 0, mode, link);
        }
    }

    /** The current member's bytes; read it before calling {@link #next()} again. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("tar: truncated member");
                }
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(buf, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar: truncated member");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private static String ustarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static Map<String, String> parsePax(byte[] data) {
        // Records are "LEN key=value\n", LEN counting the whole record in bytes.
        Map<String, String> out = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            String record = new String(data, space + 1, len - (space - pos) - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            out.put(record.substring(0, eq), record.substring(eq + 1));
            pos += len;
        }
        return out;
    }

    private static void verifyChecksum(byte[] h) throws IOException {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != number(h, 148, 8)) {
            throw new IOException("tar: header checksum mismatch (not a tar archive?)");
        }
    }

    /** Octal, or GNU base-256 when the high bit of the first byte is set (sizes >= 8 GiB). */
    private static long number(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (h[off + i] & 0xff);
            }
            return v;
        }
        String s = cString(h, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padFor(long size) {
        long rem = size % BLOCK;
        return rem == 0 ? 0 : BLOCK - rem;
    }

    private byte[] readExact(long size) throws IOException {
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar: truncated extended header");
        }
        return data;
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar: truncated member");
                }
                s = 1;
            }
            left -= s;
        }
    }
}
