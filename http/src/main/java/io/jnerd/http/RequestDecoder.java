package io.jnerd.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * netty's request decoder with the request line checked first, the way bypassd always answered
 * it (RFC 9112 section 3): exactly {@code METHOD SP /target SP HTTP/1.x}, no control characters.
 * netty alone would skip any run of leading control bytes (a TLS hello, a flood of NULs) and
 * accept absolute-form targets and doubled spaces; here the first byte that cannot start a
 * method gets a 400 at once.
 */
final class RequestDecoder extends HttpRequestDecoder {

    private final int maxRequestLine;
    /** At a message boundary: the next byte starts a request line. */
    private boolean expecting = true;
    /** The current request line was seen whole and is valid. */
    private boolean lineChecked;
    private boolean failed;
    /**
     * A whole request was passed on and is being answered: the bytes behind it stay buffered
     * here, undecoded, until {@link #resume}. They may be the next request, or, once the answer
     * hijacks the connection, the first bytes of a raw stream (removing this decoder hands them on).
     */
    private boolean paused;

    RequestDecoder(ServerLimits limits) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setAllowDuplicateContentLengths(false));
        this.maxRequestLine = limits.maxRequestLine();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (paused) {
            return;
        }
        if (expecting && !lineChecked) {
            try {
                if (!checkRequestLine(in)) {
                    return;
                }
            } catch (BadRequest e) {
                failed = true;
                throw e;
            }
            lineChecked = true;
        }
        int before = out.size();
        super.decode(ctx, in, out);
        for (int i = before; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof LastHttpContent) {
                expecting = true;
                lineChecked = false;
                paused = true;
                return;
            } else if (o instanceof HttpMessage) {
                expecting = false;
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        // netty drops a request cut short by the client's half-close without a word (or says
        // "Connection closed before received headers"); bypassd always answered where it was cut.
        if (paused) {
            // What follows an unanswered request is not judged; the connection ends after the answer.
            return;
        }
        String where = !expecting ? "body" : lineChecked ? "header section" : in.isReadable() ? "request line" : null;
        int before = out.size();
        super.decodeLast(ctx, in, out);
        if (!failed && where != null) {
            failed = true;
            while (out.size() > before) {
                ReferenceCountUtil.release(out.remove(out.size() - 1));
            }
            throw new BadRequest(400, "connection closed inside the " + where);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (paused && evt instanceof ChannelInputShutdownEvent) {
            // netty would decode what is left and drop the rest; keep it for a hijack to take over.
            ctx.fireUserEventTriggered(evt);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** After an answer: decode what came behind the request (the caller makes the pipeline read it). */
    void resume() {
        paused = false;
    }

    /** True when a whole, valid request line is buffered; false to wait for more bytes. */
    private boolean checkRequestLine(ByteBuf in) throws BadRequest {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable == 0) {
            return false;
        }
        byte first = in.getByte(start);
        if (!isTokenChar(first)) {
            throw new BadRequest(400, isControl(first) && first != '\r' && first != '\n' ? "control character in the request line" : "malformed request line");
        }
        int scan = Math.min(readable, maxRequestLine + 1);
        int lf = -1;
        for (int i = 0; i < scan; i++) {
            byte b = in.getByte(start + i);
            if (b == '\n') {
                lf = i;
                break;
            }
            if (isControl(b) && !(b == '\r' && (i + 1 == readable || in.getByte(start + i + 1) == '\n'))) {
                throw new BadRequest(400, "control character in the request line");
            }
        }
        if (lf < 0) {
            if (readable > maxRequestLine) {
                throw new BadRequest(414, "request line longer than its limit");
            }
            return false;
        }
        int length = lf > 0 && in.getByte(start + lf - 1) == '\r' ? lf - 1 : lf;
        String line = in.toString(start, length, StandardCharsets.ISO_8859_1);
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new BadRequest(400, "malformed request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new BadRequest(parts[2].startsWith("HTTP/") ? 505 : 400, "unsupported protocol version");
        }
        if (!parts[1].startsWith("/")) {
            throw new BadRequest(400, "request target must be a path");
        }
        return true;
    }

    private static boolean isControl(byte b) {
        return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar((byte) s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 section 5.6.2 tchar. */
    private static boolean isTokenChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || (c > 0 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
}
