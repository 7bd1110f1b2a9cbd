package io.jnerd.cli.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry in front of a real one (JDK HttpServer on 127.0.0.1) that passes everything
 * through, except GETs of one blob, which get a fault: one byte flipped (same size, wrong
 * digest, as a broken mirror or a man in the middle would serve it), or, the first time,
 * only half of it (a body that ends early, as from a proxy that dropped the upstream).
 */
public final class FaultyProxy implements AutoCloseable {
    /** What goes wrong with the blob. */
    public enum Fault { FLIP_BYTE, CUT_FIRST_TRANSFER }

    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "date");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String upstream;
    private final String blobDigest;
    private final Fault fault;
    private final AtomicInteger transfers = new AtomicInteger();
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    private FaultyProxy(String upstream, String blobDigest, Fault fault) throws IOException {
        this.upstream = upstream;
        this.blobDigest = blobDigest;
        this.fault = fault;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::forward);
        server.start();
    }

    /** @param upstream {@code 127.0.0.1:PORT} of the real registry */
    public static FaultyProxy start(String upstream, String blobDigest, Fault fault) throws IOException {
        return new FaultyProxy(upstream, blobDigest, fault);
    }

    /** The Range headers the blob was asked for with, in order ("" for none). */
    public List<String> blobRanges() {
        return List.copyOf(ranges);
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange ex) throws IOException {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            for (String h : List.of("Accept", "Authorization", "Content-Type", "Range")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = r.body();
            boolean faulty = ex.getRequestMethod().equals("GET") && r.statusCode() / 100 == 2
                    && ex.getRequestURI().getPath().endsWith("/blobs/" + blobDigest) && body.length > 0;
            if (faulty) {
                ranges.add(Optional.ofNullable(ex.getRequestHeaders().getFirst("Range")).orElse(""));
            }
            if (faulty && fault == Fault.FLIP_BYTE) {
                body[body.length / 2] ^= 0x01;
            }
            boolean cut = faulty && fault == Fault.CUT_FIRST_TRANSFER && transfers.getAndIncrement() == 0;
            for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT)) && !h.getKey().startsWith(":")) {
                    ex.getResponseHeaders().put(h.getKey(), h.getValue());
                }
            }
            boolean noBody = ex.getRequestMethod().equals("HEAD") || body.length == 0;
            if (!cut) {
                ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : body.length);
            }
            if (cut) {
                // Half the body, sent chunked: a well-formed response that simply ends early.
                ex.getResponseHeaders().remove("Content-Range");
                ex.sendResponseHeaders(r.statusCode(), 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body, 0, body.length / 2);
                }
            } else if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
