package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.Digest;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One repository of one registry, over the Docker Registry HTTP API v2 (the OCI
 * distribution spec). Authentication follows the registry's challenge: on a 401 it asks the
 * token server the challenge names (anonymously, or with the user's credentials) or answers
 * basic auth, then repeats the request once. Transient failures (no connection, connection
 * reset, 429, 5xx) are retried a bounded number of times with growing pauses.
 */
public final class RegistryClient {
    static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LIST);
    private static final int ATTEMPTS = 4;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final int MAX_MANIFEST_BYTES = 4 << 20;

    private final HttpClient http;
    private final RegistryEndpoint endpoint;
    private final String repository;
    private final TokenAuth auth;

    RegistryClient(HttpClient http, RegistryEndpoint endpoint, String repository, Optional<Credentials> credentials) {
        this.http = http;
        this.endpoint = endpoint;
        this.repository = repository;
        this.auth = new TokenAuth(http, endpoint, credentials);
    }

    /** A client for {@code repository} (e.g. {@code library/alpine}) of the registry at {@code endpoint}. */
    public static RegistryClient open(RegistryEndpoint endpoint, String repository, Optional<Credentials> credentials) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new RegistryClient(http, endpoint, repository, credentials);
    }

    /**
     * A client for the image's repository, with the user's docker credentials for its
     * registry (from {@code env}'s DOCKER_CONFIG or HOME), if any; {@code insecure} registries
     * are talked to in plain HTTP.
     */
    public static RegistryClient forImage(ImageRef ref, List<String> insecure, Map<String, String> env)
            throws RegistryException {
        RegistryEndpoint endpoint = RegistryEndpoint.of(ref.domain(), insecure);
        return open(endpoint, ref.path(), DockerConfig.load(env).credentials(ref.domain()));
    }

    public RegistryEndpoint endpoint() {
        return endpoint;
    }

    public String repository() {
        return repository;
    }

    /** The manifest or index at a tag or digest; its bytes are checked against the digest asked for or announced. */
    public ManifestBytes manifest(String reference) throws IOException {
        return manifestIfPresent(reference).orElseThrow(() -> new RegistryException(404,
                "manifest unknown: " + where() + ":" + reference + " does not exist", null));
    }

    public Optional<ManifestBytes> manifestIfPresent(String reference) throws IOException {
        HttpResponse<InputStream> r = send("GET", path("/manifests/" + reference), null,
                b -> b.header("Accept", ACCEPT_MANIFESTS));
        if (r.statusCode() == 404) {
            r.body().close();
            return Optional.empty();
        }
        byte[] bytes = expectOk(r, "manifest " + reference).readNBytes(MAX_MANIFEST_BYTES + 1);
        r.body().close();
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException("manifest " + where() + ":" + reference + " is larger than 4 MiB: refused");
        }
        String digest = Digest.of(bytes);
        String announced = r.headers().firstValue("Docker-Content-Digest").orElse(digest);
        String asked = reference.startsWith("sha256:") ? reference : announced;
        if (!digest.equals(asked) || !digest.equals(announced)) {
            throw new RegistryException("manifest " + where() + ":" + reference + " does not match its digest (got "
                    + digest + "): refused");
        }
        return Optional.of(new ManifestBytes(mediaTypeOf(bytes, r), digest, bytes));
    }

    /** A manifest's own {@code mediaType} field wins over the Content-Type header (some servers send text/plain). */
    private static String mediaTypeOf(byte[] bytes, HttpResponse<?> r) {
        JsonNode doc = Json.parse(bytes, "manifest");
        String declared = doc.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        String header = r.headers().firstValue("Content-Type").orElse("");
        int semicolon = header.indexOf(';');
        String type = (semicolon >= 0 ? header.substring(0, semicolon) : header).trim();
        if (MediaTypes.isIndex(type) || MediaTypes.isManifest(type)) {
            return type;
        }
        return doc.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    /** A blob, streamed: read to its end, it has been checked against {@code blob}'s digest and size. */
    public InputStream blob(Descriptor blob, LongConsumer progress) throws IOException {
        return new VerifyingInputStream(new ResumingInputStream(offset -> blobFrom(blob.digest(), offset), blob.size()),
                blob, where(), progress);
    }

    /** The blob's bytes from {@code offset} on; a registry that ignores the Range gets the head skipped. */
    private InputStream blobFrom(String digest, long offset) throws IOException {
        HttpResponse<InputStream> r = send("GET", path("/blobs/" + digest), null,
                b -> offset == 0 ? b : b.header("Range", "bytes=" + offset + "-"));
        InputStream body = expectOk(r, "blob " + digest);
        if (offset > 0 && r.statusCode() == 200) {
            body.skipNBytes(offset);
        }
        return body;
    }

    /** A small blob (a config, a signature payload) in memory, checked. */
    public byte[] blobBytes(String digest, long size) throws IOException {
        if (size > MAX_MANIFEST_BYTES) {
            throw new RegistryException("blob " + digest + " of " + size + " bytes is too large to hold in memory");
        }
        try (InputStream in = blob(new Descriptor("", digest, size, null, null), n -> { })) {
            return in.readAllBytes();
        }
    }

    public boolean hasBlob(String digest) throws IOException {
        HttpResponse<InputStream> r = send("HEAD", path("/blobs/" + digest), null, b -> b);
        r.body().close();
        if (r.statusCode() == 404) {
            return false;
        }
        expectOk(r, "blob " + digest).close();
        return true;
    }

    /**
     * Asks the registry to link {@code digest} from {@code fromRepository} of the same
     * registry instead of uploading it; false when it does not (then upload it).
     */
    public boolean mount(String digest, String fromRepository) throws IOException {
        HttpResponse<InputStream> r = send("POST", path("/blobs/uploads/?mount=" + encode(digest) + "&from="
                + encode(fromRepository)), BodyPublishers::noBody, b -> b);
        r.body().close();
        if (r.statusCode() == 201) {
            return true;
        }
        expectOk(r, "mount of " + digest + " from " + fromRepository);
        // 202: the registry started an ordinary upload session instead; drop it.
        Optional<String> location = r.headers().firstValue("Location");
        if (location.isPresent()) {
            send("DELETE", r.uri().resolve(location.get()), null, b -> b).body().close();
        }
        return false;
    }

    /**
     * Uploads a blob: POST opens a session, one PUT {@code ?digest=} sends the whole blob
     * (a "monolithic" upload) with its exact length; the registry checks the digest itself.
     */
    public void upload(Descriptor blob, Supplier<InputStream> content, LongConsumer progress) throws IOException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> start = send("POST", path("/blobs/uploads/"), BodyPublishers::noBody, b -> b);
            start.body().close();
            expectOk(start, "upload of " + blob.digest());
            String location = start.headers().firstValue("Location").orElseThrow(() ->
                    new RegistryException(where() + " opened an upload without a Location"));
            URI session = start.uri().resolve(location);
            URI put = URI.create(session + (session.getRawQuery() == null ? "?" : "&") + "digest=" + encode(blob.digest()));
            Supplier<BodyPublisher> body = () -> BodyPublishers.fromPublisher(
                    BodyPublishers.ofInputStream(() -> new CountingInputStream(content.get(), progress)), blob.size());
            HttpResponse<InputStream> done = send("PUT", put, body,
                    b -> b.header("Content-Type", "application/octet-stream"));
            done.body().close();
            if (done.statusCode() == 201 || attempt == ATTEMPTS || !isTransient(done.statusCode())) {
                expectOk(done, "upload of " + blob.digest());
                return;
            }
            pause(attempt);
        }
    }

    /** PUTs a manifest or index at a tag or digest; returns the digest the registry stored it under. */
    public String putManifest(String reference, String mediaType, byte[] bytes) throws IOException {
        return sendManifest(reference, mediaType, bytes).firstValue("Docker-Content-Digest").orElse(Digest.of(bytes));
    }

    /**
     * PUTs a manifest that has a {@code subject} by its digest; true when the registry
     * indexed it for the referrers API (it answers with {@code OCI-Subject}, OCI
     * distribution 1.1), false when the client must keep the referrers tag itself.
     */
    public boolean putReferrer(String digest, String mediaType, byte[] bytes) throws IOException {
        return sendManifest(digest, mediaType, bytes).firstValue("OCI-Subject").isPresent();
    }

    private java.net.http.HttpHeaders sendManifest(String reference, String mediaType, byte[] bytes) throws IOException {
        HttpResponse<InputStream> r = send("PUT", path("/manifests/" + reference), () -> BodyPublishers.ofByteArray(bytes),
                b -> b.header("Content-Type", mediaType));
        r.body().close();
        expectOk(r, "manifest " + reference);
        return r.headers();
    }

    /**
     * The referrers of {@code digest} of one artifact type (an image index), or empty when
     * the registry has no referrers API (404, as Debian's docker-registry 2.8 answers).
     */
    public Optional<byte[]> referrers(String digest, String artifactType) throws IOException {
        HttpResponse<InputStream> r = send("GET", path("/referrers/" + digest + "?artifactType=" + encode(artifactType)),
                null, b -> b.header("Accept", MediaTypes.OCI_INDEX));
        if (r.statusCode() == 404) {
            r.body().close();
            return Optional.empty();
        }
        byte[] bytes = expectOk(r, "referrers of " + digest).readNBytes(MAX_MANIFEST_BYTES + 1);
        r.body().close();
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException("referrers of " + where() + "@" + digest + " are larger than 4 MiB: refused");
        }
        return Optional.of(bytes);
    }

    /**
     * GET /v2/ with the client's credentials, answering the registry's challenge (basic, or
     * a bearer token asked for with them): how docker login checks credentials before it
     * saves them; anything but 200 is docker's "login attempt ... failed" error.
     */
    public void checkLogin() throws IOException {
        URI v2 = endpoint.resolve("/v2/");
        HttpResponse<InputStream> r = send("GET", v2, null, b -> b);
        r.body().close();
        if (r.statusCode() != 200) {
            throw new RegistryException(r.statusCode(), "login attempt to " + v2 + " failed with status: "
                    + r.statusCode() + " " + RegistryErrors.reasonPhrase(r.statusCode()), null);
        }
    }

    /** {@code 127.0.0.1:5000/demo/busybox} (the registry alone for login's client), for messages. */
    public String where() {
        return repository.isEmpty() ? endpoint.toString() : endpoint + "/" + repository;
    }

    private URI path(String suffix) {
        return endpoint.resolve("/v2/" + repository + suffix);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<InputStream> send(String method, URI uri, Supplier<BodyPublisher> body,
                                           java.util.function.UnaryOperator<HttpRequest.Builder> extra)
            throws IOException {
        boolean authenticated = false;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? BodyPublishers.noBody() : body.get());
            auth.authorization().ifPresent(a -> b.header("Authorization", a));
            HttpResponse<InputStream> r;
            try {
                r = http.send(extra.apply(b).build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt == ATTEMPTS) {
                    throw new RegistryException(0, "cannot reach registry " + endpoint + ": " + describe(e), e);
                }
                pause(attempt);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(0, "interrupted talking to " + endpoint, e);
            }
            if (r.statusCode() == 401 && !authenticated) {
                r.body().close();
                auth.answer(r.headers().firstValue("WWW-Authenticate").orElse(null), where());
                authenticated = true;
                attempt--;
                continue;
            }
            // A PUT that ends an upload session cannot be repeated (upload() starts a new session
            // instead); a manifest PUT can.
            boolean repeatable = !"PUT".equals(method) || uri.getPath().contains("/manifests/");
            if (isTransient(r.statusCode()) && attempt < ATTEMPTS && repeatable) {
                r.body().close();
                pause(attempt);
                continue;
            }
            return r;
        }
    }

    static boolean isTransient(int status) {
        return status == 429 || status >= 500;
    }

    private static void pause(int attempt) throws RegistryException {
        try {
            Thread.sleep(FIRST_PAUSE.toMillis() << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted while waiting to retry", e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The body of a 2xx response, or a RegistryException with the registry's own error message. */
    private InputStream expectOk(HttpResponse<InputStream> r, String what) throws IOException {
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return r.body();
        }
        String detail = RegistryErrors.describe(r);
        if (status == 401 || status == 403) {
            throw new RegistryException(status, what + " at " + where() + ": " + (status == 401 ? "unauthorized" : "denied")
                    + detail + auth.hint(), null);
        }
        throw new RegistryException(status, what + " at " + where() + ": HTTP " + status + detail, null);
    }
}
