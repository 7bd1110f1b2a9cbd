package io.jnerd.netns.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.0 and 1.1 requests (RFC 9112) from a stream, with limits on every part so a
 * client cannot make the daemon buffer without bound. Bodies must come with Content-Length:
 * the clients of this API (Go's net/http with a byte body, curl, the JDK) all send one.
 */
public final class HttpRequestReader {

    public static final int MAX_REQUEST_LINE = 8 * 1024;
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final int MAX_HEADERS = 100;
    public static final int MAX_BODY = 1024 * 1024;

    private final InputStream in;

    public HttpRequestReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next request, or null when the client closed the connection between requests.
     *
     * @throws BadRequestException for anything malformed or too large (the connection must close)
     * @throws IOException         when reading fails
     */
    public HttpRequest read() throws IOException, BadRequestException {
        String requestLine = readLine(MAX_REQUEST_LINE, true, 414, "request line");
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new BadRequestException(400, "malformed request line");
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequestException(version.startsWith("HTTP/") ? 505 : 400, "unsupported protocol version");
        }
        if (!parts[1].startsWith("/")) {
            throw new BadRequestException(400, "request target must be a path");
        }

        Map<String, String> headers = new HashMap<>();
        int headerBytes = 0;
        int fields = 0;
        while (true) {
            String line = readLine(MAX_HEADER_BYTES - headerBytes, false, 431, "header section");
            if (line == null) {
                throw new BadRequestException(400, "connection closed inside the header section");
            }
            if (line.isEmpty()) {
                break;
            }
            headerBytes += line.length() + 2;
            if (++fields > MAX_HEADERS) {
                throw new BadRequestException(431, "more than " + MAX_HEADERS + " header fields");
            }
            int colon = line.indexOf(':');
            // RFC 9112 5.1: no whitespace between name and colon; obsolete line folding is rejected.
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new BadRequestException(400, "malformed header field");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length") && headers.containsKey(name) && !headers.get(name).equals(value)) {
                throw new BadRequestException(400, "conflicting Content-Length fields");
            }
            headers.put(name, value);
        }

        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequestException(501, "Transfer-Encoding is not supported: send Content-Length");
        }
        byte[] body = readBody(headers.get("content-length"));
        return new HttpRequest(parts[0], parts[1], version, headers, body);
    }

    private byte[] readBody(String contentLength) throws IOException, BadRequestException {
        if (contentLength == null) {
            return new byte[0];
        }
        if (contentLength.isEmpty() || contentLength.length() > 10
                || !contentLength.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestException(400, "invalid Content-Length");
        }
        long length = Long.parseLong(contentLength);
        if (length > MAX_BODY) {
            throw new BadRequestException(413, "body larger than " + MAX_BODY + " bytes");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new BadRequestException(400, "connection closed inside the body");
        }
        return body;
    }

    /**
     * A line ended by CRLF (or a bare LF, which RFC 9112 allows a recipient to accept),
     * without the end. Null on EOF before the first byte when {@code eofAllowed}.
     */
    private String readLine(int limit, boolean eofAllowed, int tooLongStatus, String what)
            throws IOException, BadRequestException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && eofAllowed) {
                    return null;
                }
                throw new BadRequestException(400, "connection closed inside the " + what);
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= limit) {
                throw new BadRequestException(tooLongStatus, what + " longer than its limit");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        for (int i = 0; i < length; i++) {
            // Control characters (CR, NUL, ...) have no place in a request head.
            if (bytes[i] < 0x20 && bytes[i] != '\t' || bytes[i] == 0x7f) {
                throw new BadRequestException(400, "control character in the " + what);
            }
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
