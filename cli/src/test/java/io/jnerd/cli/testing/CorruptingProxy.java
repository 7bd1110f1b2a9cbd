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
import java.util.Set;

/**
 * A registry in front of a real one (JDK HttpServer on 127.0.0.1) that passes everything
 * through, except that GETs of one blob come back with one byte flipped: same size, wrong
 * digest, as a broken mirror or a man in the middle would serve it.
 */
public final class CorruptingProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "date");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String upstream;
    private final String corruptDigest;

    private CorruptingProxy(String upstream, String corruptDigest) throws IOException {
        this.upstream = upstream;
        this.corruptDigest = corruptDigest;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::forward);
        server.start();
    }

    /** @param upstream {@code 127.0.0.1:PORT} of the real registry */
    public static CorruptingProxy start(String upstream, String corruptDigest) throws IOException {
        return new CorruptingProxy(upstream, corruptDigest);
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange ex) throws IOException {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            for (String h : List.of("Accept", "Authorization", "Content-Type")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = r.body();
            if (ex.getRequestMethod().equals("GET") && r.statusCode() == 200
                    && ex.getRequestURI().getPath().endsWith("/blobs/" + corruptDigest) && body.length > 0) {
                body[body.length / 2] ^= 0x01;
            }
            for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT)) && !h.getKey().startsWith(":")) {
                    ex.getResponseHeaders().put(h.getKey(), h.getValue());
                }
            }
            boolean noBody = ex.getRequestMethod().equals("HEAD") || body.length == 0;
            ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : body.length);
            if (!noBody) {
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
