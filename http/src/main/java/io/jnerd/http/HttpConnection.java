package io.jnerd.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: assembles a request from netty's decoded parts within the limits,
 * hands it to the handler on a worker thread, writes the answer, and keeps the connection for
 * the next request unless either side wants it closed. While a request is being answered the
 * socket is not read and the decoder holds what came behind it (one request at a time, as
 * bypassd always served). Everything here runs on the connection's event loop except the
 * handler and the bodies it streams.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    private final UnixHttpServer server;
    private final ServerLimits limits;
    private ChannelHandlerContext ctx;
    private boolean counted;
    private io.netty.handler.codec.http.HttpRequest head;
    private ByteArrayOutputStream body;
    private boolean answering;
    private boolean inputShut;
    private boolean closing;
    private RawStream hijacked;
    /** The body of the request being answered while it still arrives (streamed bodies only). */
    private InboundBytes streaming;
    private long streamedBytes;
    /** The answer's streamed body, set by its worker: told by the event loop when the client hangs up. */
    private volatile StreamOutput answerBody;
    private ScheduledFuture<?> deadline;

    HttpConnection(UnixHttpServer server, ServerLimits limits) {
        this.server = server;
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!server.admit()) {
            fail(503, "too many connections");
            return;
        }
        counted = true;
        armDeadline();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            server.release();
            counted = false;
        }
        cancelDeadline();
        if (hijacked != null) {
            hijacked.end();
        }
        if (streaming != null) {
            streaming.fail("the client closed the connection inside the body");
        }
        hungUp();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (hijacked != null) {
            if (msg instanceof ByteBuf) {
                hijacked.offer((ByteBuf) msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else {
            take(msg);
        }
    }

    private void take(Object msg) {
        try {
            if (!(msg instanceof HttpObject)) {
                return;
            }
            DecoderResult result = ((HttpObject) msg).decoderResult();
            if (result.isFailure()) {
                failWith(result.cause());
                return;
            }
            if (msg instanceof io.netty.handler.codec.http.HttpRequest) {
                startRequest((io.netty.handler.codec.http.HttpRequest) msg);
            }
            if (msg instanceof HttpContent && streaming != null) {
                stream((HttpContent) msg);
                return;
            }
            if (msg instanceof HttpContent && head != null) {
                ByteBuf content = ((HttpContent) msg).content();
                if (body.size() + content.readableBytes() > limits.maxBody()) {
                    fail(413, "body larger than " + limits.maxBody() + " bytes");
                    return;
                }
                content.readBytes(body, content.readableBytes());
                if (msg instanceof LastHttpContent) {
                    dispatch();
                }
            }
        } catch (IOException e) {
            failWith(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** On the event loop: a part of a streamed body, handed on (retained: the caller releases its own). */
    private void stream(HttpContent content) {
        InboundBytes body = streaming;
        streamedBytes += content.content().readableBytes();
        if (streamedBytes > limits.maxStreamedBody()) {
            body.fail("body larger than " + limits.maxStreamedBody() + " bytes");
            streaming = null;
            fail(413, "body larger than " + limits.maxStreamedBody() + " bytes");
            return;
        }
        body.offer(content.content().retain());
        if (content instanceof LastHttpContent) {
            body.end();
            streaming = null;
            // What comes next waits in the paused decoder until the answer is out.
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void startRequest(io.netty.handler.codec.http.HttpRequest request) {
        HttpHeaders h = request.headers();
        if (h.size() > limits.maxHeaders()) {
            fail(431, "more than " + limits.maxHeaders() + " header fields");
            return;
        }
        if (!limits.chunkedBodies() && h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            fail(501, "Transfer-Encoding is not supported: send Content-Length");
            return;
        }
        String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
        boolean streamed = limits.streamedBodies().test(request.method().name(), request.uri());
        long max = streamed ? limits.maxStreamedBody() : limits.maxBody();
        if (length != null) {
            // Ten digits hold any whole body's size, eighteen any streamed one's (and fit a long).
            if (length.isEmpty() || length.length() > (streamed ? 18 : 10)
                    || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                fail(400, "invalid Content-Length");
                return;
            }
            if (Long.parseLong(length) > max) {
                fail(413, "body larger than " + max + " bytes");
                return;
            }
        }
        head = request;
        body = new ByteArrayOutputStream();
        if (streamed) {
            // The handler starts now and reads the body as it comes; the socket keeps being read for it.
            streaming = new InboundBytes(ctx.channel(), limits.idleTimeout());
            streamedBytes = 0;
            dispatch(streaming);
        }
    }

    /** The whole request is in: stop reading and answer it on a worker. */
    private void dispatch() {
        dispatch(null);
    }

    /**
     * Answers the request on a worker: the whole one (reading stops until the answer is out),
     * or, with {@code stream}, one whose body still arrives (reading goes on for it).
     */
    private void dispatch(InboundBytes stream) {
        cancelDeadline();
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> e : head.headers()) {
            headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        HttpRequest request = new HttpRequest(head.method().name(), head.uri(), head.protocolVersion().text(),
                headers, stream == null ? body.toByteArray() : new byte[0], stream);
        head = null;
        body = null;
        answering = true;
        if (stream == null) {
            ctx.channel().config().setAutoRead(false);
        }
        try {
            server.workers().execute(() -> answer(request));
        } catch (RejectedExecutionException e) {
            answering = false;
            fail(503, "too many requests");
        }
    }

    /** On a worker thread. */
    private void answer(HttpRequest request) {
        HttpResponse response;
        try {
            response = server.handler().handle(request);
        } catch (Exception | LinkageError e) {
            server.log(request.method() + " " + request.pathWithoutQuery() + ": " + e);
            response = HttpResponse.error(500, String.valueOf(e.getMessage()));
        }
        boolean keepAlive = request.keepAlive();
        if (response.hijackHandler() != null) {
            hijack(request, response);
        } else if (response.stream() != null) {
            stream(request, response, keepAlive);
        } else {
            HttpResponse full = response;
            ctx.executor().execute(() -> writeFull(request, full, keepAlive));
        }
    }

    private void writeFull(HttpRequest request, HttpResponse response, boolean keepAlive) {
        boolean keep = keepAlive && !inputShut;
        DefaultFullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(response.status()),
                request.method().equals("HEAD") ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.bodyUnsafe()));
        headers(out.headers(), response);
        out.headers().set("Content-Length", response.bodyLength());
        if (!keep) {
            out.headers().set("Connection", "close");
        }
        ChannelFuture written = ctx.writeAndFlush(out);
        written.addListener((ChannelFutureListener) f -> answered(keep));
    }

    /** Status line, then a chunked body from a worker thread. */
    private void stream(HttpRequest request, HttpResponse response, boolean keepAlive) {
        boolean chunked = request.version().equals("HTTP/1.1");
        boolean keep = keepAlive && chunked;
        DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(response.status()));
        headers(out.headers(), response);
        if (chunked) {
            out.headers().set("Transfer-Encoding", "chunked");
        }
        if (!keep) {
            out.headers().set("Connection", "close");
        }
        try {
            ChannelOutput.await(ctx.writeAndFlush(out));
            StreamOutput body = new StreamOutput(ChannelOutput.content(ctx.channel()));
            answerBody = body;
            // A hang-up the event loop saw before the field was set is caught here.
            if (!ctx.channel().isActive() || ctx.channel() instanceof DuplexChannel d && d.isInputShutdown()) {
                body.hangUp();
            }
            try (body) {
                response.stream().writeTo(body);
            } finally {
                body.finish();
                answerBody = null;
            }
            ChannelOutput.await(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            ctx.executor().execute(() -> answered(keep));
        } catch (IOException | RuntimeException e) {
            // The client went away mid-stream (or the producer failed after the head went out):
            // nothing can be said in this response any more.
            if (!(e instanceof IOException)) {
                server.log(request.method() + " " + request.pathWithoutQuery() + ": " + e);
            }
            ctx.channel().close();
        }
    }

    /** The head, then the raw connection to the hijack (moby's attach: 101 UPGRADED, Upgrade: tcp). */
    private void hijack(HttpRequest request, HttpResponse response) {
        boolean upgrade = request.header("upgrade") != null;
        int status = upgrade ? 101 : response.status();
        DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(status));
        headers(out.headers(), response);
        if (upgrade) {
            out.headers().set("Connection", "Upgrade");
            out.headers().set("Upgrade", request.header("upgrade"));
        }
        RawStream raw = new RawStream(ctx.channel());
        Promise<Void> started = ctx.executor().newPromise();
        ctx.executor().execute(() -> {
            if (!ctx.channel().isActive()) {
                started.setFailure(new ClosedChannelException());
                return;
            }
            try {
                ctx.writeAndFlush(out).addListener(f -> {
                    if (!f.isSuccess()) {
                        started.tryFailure(f.cause());
                    }
                });
                // From here on the bytes are no HTTP: take both codecs out. The decoder hands on
                // what it holds behind the request as plain bytes (to channelRead, then the stream).
                ctx.pipeline().remove(UnixHttpServer.ENCODER);
                hijacked = raw;
                ctx.pipeline().remove(UnixHttpServer.DECODER);
                if (inputShut) {
                    // Nothing more will come (and netty's epoll cannot be asked to read a shut input).
                    raw.end();
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
                started.trySuccess(null);
            } catch (RuntimeException e) {
                started.tryFailure(e);
            }
        });
        try {
            started.sync();
            response.hijackHandler().run(raw);
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            if (ctx.channel().isActive()) {
                server.log(request.method() + " " + request.pathWithoutQuery() + " (hijacked): " + e);
            }
        } finally {
            ctx.channel().close();
        }
    }

    /** On the event loop, after a response went out. */
    private void answered(boolean keepAlive) {
        answering = false;
        if (streaming != null) {
            // Answered before its body was all in: the rest cannot be told from a next request.
            streaming.fail("the request was answered before its body ended");
            streaming = null;
            closing = true;
            ctx.channel().close();
            return;
        }
        if (!keepAlive || inputShut || !ctx.channel().isActive()) {
            closing = true;
            ctx.channel().close();
            return;
        }
        armDeadline();
        ((RequestDecoder) ctx.pipeline().get(UnixHttpServer.DECODER)).resume();
        ctx.channel().config().setAutoRead(true);
        // Pipelined bytes are already buffered in the decoder: an empty read makes it go on.
        ctx.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The decoder has already passed on what it could make of the last bytes (a 400 for
            // a request cut short). A hijack sees EOF on its input and may still write.
            inputShut = true;
            if (hijacked != null) {
                hijacked.end();
            } else if (answering) {
                hungUp();
            } else {
                closing = true;
                ctx.channel().close();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    /** On the event loop: a streamed body's producer learns that its client left. */
    private void hungUp() {
        StreamOutput body = answerBody;
        if (body != null) {
            body.hangUp();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failWith(cause);
    }

    private void failWith(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof BadRequest) {
            fail(((BadRequest) c).status(), c.getMessage());
        } else if (c instanceof TooLongHttpLineException) {
            fail(414, "request line longer than its limit");
        } else if (c instanceof TooLongHttpHeaderException || c instanceof TooLongFrameException) {
            fail(431, "header section longer than its limit");
        } else if (c instanceof IOException) {
            ctx.channel().close();
        } else {
            fail(400, "malformed request: " + shorten(c.getMessage()));
        }
    }

    /** Answers {@code status} with a JSON message (unless an answer is under way) and closes. */
    private void fail(int status, String message) {
        if (closing) {
            return;
        }
        closing = true;
        head = null;
        body = null;
        if (answering || hijacked != null || !ctx.channel().isActive()) {
            ctx.channel().close();
            return;
        }
        HttpResponse error = HttpResponse.error(status, message);
        DefaultFullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(status),
                Unpooled.wrappedBuffer(error.bodyUnsafe()));
        out.headers().set("Content-Type", error.contentType());
        out.headers().set("Content-Length", error.bodyLength());
        out.headers().set("Connection", "close");
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private void armDeadline() {
        cancelDeadline();
        long nanos = limits.idleTimeout().toNanos();
        deadline = ctx.executor().schedule(() -> {
            if (!answering && hijacked == null) {
                closing = true;
                ctx.channel().close();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Header names as Go's net/http writes them (canonical case): some clients compare them raw. */
    private static void headers(HttpHeaders target, HttpResponse response) {
        if (response.contentType() != null) {
            target.set("Content-Type", response.contentType());
        }
        for (Map.Entry<String, String> e : response.headers()) {
            target.add(e.getKey(), e.getValue());
        }
    }

    private static HttpResponseStatus status(int code) {
        return new HttpResponseStatus(code, HttpResponse.reason(code));
    }

    private static String shorten(String s) {
        String m = String.valueOf(s);
        return m.length() > 120 ? m.substring(0, 120) + "..." : m;
    }
}
