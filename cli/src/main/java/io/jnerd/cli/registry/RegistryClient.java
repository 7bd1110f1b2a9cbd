package io.jnerd.cli.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.cli.image.Digest;
import io.jnerd.cli.image.ImageRef;
import io.jnerd.cli.image.Json;
import io.jnerd.cli.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A client for one repository of an OCI distribution (registry v2) API: manifests and
 * blobs, with docker's token flow (401 + WWW-Authenticate: Bearer → token from the realm,
 * with the user's credentials if any) or Basic auth, and retries on transient failures.
 * HTTPS, except plain HTTP for localhost, 127.0.0.1 and registries named insecure.
 */
public final class RegistryClient {
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final int ATTEMPTS = 3;
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);

    /** A fetched manifest or index, its digest verified. */
    public static final class Manifest {
        private final String mediaType;
        private final String digest;
        private final byte[] bytes;

        Manifest(String mediaType, String digest, byte[] bytes) {
            this.mediaType = mediaType;
            this.digest = digest;
            this.bytes = bytes;
        }

        public String mediaType() {
            return mediaType;
        }

        public String digest() {
            return digest;
        }

        public byte[] bytes() {
            return bytes;
        }
    }

    private final HttpClient http;
    private final ImageRef ref;
    private final String base;
    private final Credentials credentials;
    private String authorization;

    public RegistryClient(ImageRef ref, Credentials credentials, Set<String> insecureRegistries) {
        this.ref = ref;
        this.credentials = credentials;
        String host = ref.domain().equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : ref.domain();
        String hostName = host.replaceFirst(":\\d+$", "");
        boolean plain = hostName.equals("localhost") || hostName.equals("127.0.0.1") || hostName.equals("[::1]")
                || insecureRegistries.contains(ref.domain());
        this.base = (plain ? "http://" : "https://") + host + "/v2/" + ref.path();
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(15)).build();
    }

    /** The manifest (or index) for {@code reference}, a tag or digest; its digest is checked. */
    public Manifest manifest(String reference) throws IOException {
        HttpResponse<byte[]> r = send(base + "/manifests/" + reference, ACCEPT, HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = r.body();
        String digest = Digest.of(body);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new RegistryException("manifest " + reference + " from " + ref.repository() + " has digest " + digest, r.statusCode());
        }
        String mediaType = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType)) {
            JsonNode doc = Json.parse(body, "manifest " + reference);
            mediaType = doc.path("mediaType").asText(doc.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST);
        }
        return new Manifest(mediaType, digest, body);
    }

    /** The blob's bytes as a stream; the caller verifies them against the digest (ContentStore.write does). */
    public InputStream blob(String digest) throws IOException {
        return send(base + "/blobs/" + digest, "*/*", HttpResponse.BodyHandlers.ofInputStream()).body();
    }

    private <T> HttpResponse<T> send(String url, String accept, HttpResponse.BodyHandler<T> handler) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<T> r = once(url, accept, handler);
                if (r.statusCode() == 401 && authenticate(r)) {
                    r = once(url, accept, handler);
                }
                if (r.statusCode() / 100 == 2) {
                    return r;
                }
                close(r);
                RegistryException e = new RegistryException(describe(r.statusCode(), url), r.statusCode());
                if (!TRANSIENT.contains(r.statusCode())) {
                    throw e;
                }
                last = e;
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                last = new RegistryException("cannot reach " + URI.create(url).getAuthority() + ": " + reason(e), 0);
            }
            sleep(attempt);
        }
        throw last;
    }

    private static String reason(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private String describe(int status, String url) {
        String what = url.contains("/manifests/") ? "manifest " + url.substring(url.lastIndexOf('/') + 1)
                : "blob " + url.substring(url.lastIndexOf('/') + 1);
        switch (status) {
            case 401:
            case 403:
                return ref.repository() + ": " + what + ": access denied (HTTP " + status + "; log in with docker login, or check the name)";
            case 404:
                return ref.repository() + ": " + what + " not found (HTTP 404)";
            default:
                return ref.repository() + ": " + what + ": HTTP " + status;
        }
    }

    private <T> HttpResponse<T> once(String url, String accept, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
                .timeout(Duration.ofMinutes(5)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return http.send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Answers a 401's challenge; false if there is nothing more to try. */
    private boolean authenticate(HttpResponse<?> r) throws IOException {
        close(r);
        Optional<Challenge> c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        if (c.isEmpty()) {
            return false;
        }
        Optional<Credentials.Login> login = credentials.lookup(ref.domain());
        if (c.get().scheme().equals("basic")) {
            if (login.isEmpty() || authorization != null) {
                return false;
            }
            authorization = login.get().basic();
            return true;
        }
        if (!c.get().scheme().equals("bearer") || c.get().param("realm") == null) {
            return false;
        }
        String scope = c.get().param("scope") != null ? c.get().param("scope") : "repository:" + ref.path() + ":pull";
        StringBuilder url = new StringBuilder(c.get().param("realm")).append("?scope=").append(enc(scope));
        if (c.get().param("service") != null) {
            url.append("&service=").append(enc(c.get().param("service")));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30)).GET();
        login.ifPresent(l -> b.header("Authorization", l.basic()));
        HttpResponse<byte[]> t;
        try {
            t = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (t.statusCode() != 200) {
            throw new RegistryException("token server " + URI.create(url.toString()).getHost() + " refused a token for "
                    + scope + " (HTTP " + t.statusCode() + ")", t.statusCode());
        }
        JsonNode token = Json.parse(t.body(), "token response");
        String value = token.path("token").asText(token.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new RegistryException("token server answered without a token", 200);
        }
        authorization = "Bearer " + value;
        return true;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void close(HttpResponse<?> r) {
        if (r.body() instanceof InputStream) {
            try {
                ((InputStream) r.body()).close();
            } catch (IOException ignored) {
                // nothing left to read
            }
        }
    }

    private static void sleep(int attempt) throws IOException {
        try {
            Thread.sleep(200L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
