package io.jnerd.cli.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A registry (JDK HttpServer on 127.0.0.1) with one image, {@code stall/app:v1}, whose layer
 * never finishes: its GET sends the head and the first 64 KiB, then holds the connection
 * until the puller closes it or {@link #close()}. What a pull looks like while its client
 * hangs up: the test can see whether the puller lets go of the registry.
 */
public final class StallingRegistry implements AutoCloseable {
    public static final String IMAGE = "stall/app";
    private static final int LAYER_SIZE = 1 << 20;

    private final HttpServer server;
    private final byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
            + "[\"sha256:" + "0".repeat(64) + "\"]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
    private final String layerDigest = "sha256:" + "ab".repeat(32);
    private final byte[] manifest;
    private final CountDownLatch layerAsked = new CountDownLatch(1);
    private final CountDownLatch layerLetGo = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    private StallingRegistry() throws IOException {
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + LAYER_SIZE + "}]}").getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::serve);
        server.start();
    }

    public static StallingRegistry start() throws IOException {
        return new StallingRegistry();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until a puller is inside the layer's transfer. */
    public boolean awaitLayerAsked(long seconds) throws InterruptedException {
        return layerAsked.await(seconds, TimeUnit.SECONDS);
    }

    /** Waits until the puller closed the layer's connection (true), or the time is up (false). */
    public boolean awaitLayerLetGo(long seconds) throws InterruptedException {
        return layerLetGo.await(seconds, TimeUnit.SECONDS);
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (path.equals("/v2/")) {
            send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
        } else if (path.equals("/v2/" + IMAGE + "/manifests/v1") || path.equals("/v2/" + IMAGE + "/manifests/" + digest(manifest))) {
            ex.getResponseHeaders().add("Docker-Content-Digest", digest(manifest));
            send(ex, 200, "application/vnd.oci.image.manifest.v1+json", manifest, head);
        } else if (path.equals("/v2/" + IMAGE + "/blobs/" + digest(config))) {
            send(ex, 200, "application/octet-stream", config, head);
        } else if (path.equals("/v2/" + IMAGE + "/blobs/" + layerDigest) && !head) {
            stall(ex);
        } else {
            send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}".getBytes(StandardCharsets.UTF_8), head);
        }
    }

    /** Half a start, then a trickle of one byte a second until the client closes (a write fails) or we close. */
    private void stall(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(200, LAYER_SIZE);
        layerAsked.countDown();
        try (OutputStream out = ex.getResponseBody()) {
            out.write(new byte[64 * 1024]);
            out.flush();
            for (int sent = 64 * 1024; sent < LAYER_SIZE - 1 && !closed.await(1, TimeUnit.SECONDS); sent++) {
                out.write(0);
                out.flush();
            }
        } catch (IOException clientLeft) {
            layerLetGo.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, boolean head) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    private static String digest(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
