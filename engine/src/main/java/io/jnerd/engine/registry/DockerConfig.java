package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as the docker CLI stores them in {@code config.json}
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): per-registry
 * {@code credHelpers}, else the global {@code credsStore}, else {@code auths} with an
 * {@code identitytoken} or a base64 {@code user:password}. Helpers are {@code docker-credential-NAME get}, fed the server on stdin.
 */
public final class DockerConfig {
    /** The key docker uses for Docker Hub in config.json and with credential helpers. */
    static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

    private final JsonNode config;
    private final Path file;
    private final Map<String, String> env;

    private DockerConfig(JsonNode config, Path file, Map<String, String> env) {
        this.config = config;
        this.file = file;
        this.env = env;
    }

    /** Reads the config named by the environment; a missing file is an empty config. */
    public static DockerConfig load(Map<String, String> env) throws RegistryException {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        if (!Files.isRegularFile(file)) {
            return new DockerConfig(Json.object(), file, env);
        }
        try {
            return new DockerConfig(Json.parse(Files.readAllBytes(file), file.toString()), file, env);
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public Optional<Credentials> credentials(String domain) throws RegistryException {
        String server = serverKey(domain);
        Optional<String> helper = helperFor(domain);
        if (helper.isPresent()) {
            return fromHelper(helper.get(), server);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!serverName(e.getKey()).equals(serverName(server))) {
                continue;
            }
            if (!e.getValue().path("identitytoken").asText("").isEmpty()) {
                return Optional.of(new Credentials(Credentials.IDENTITY_TOKEN_USER, e.getValue().path("identitytoken").asText()));
            }
            if (e.getValue().hasNonNull("auth")) {
                return Optional.of(decodeAuth(e.getKey(), e.getValue().path("auth").asText()));
            }
        }
        return Optional.empty();
    }

    /** Where credentials for {@code domain} go: its credential helper, else the global store, else none (the file). */
    public Optional<String> helperFor(String domain) {
        String helper = config.path("credHelpers").path(domain).asText("");
        if (helper.isEmpty()) {
            helper = config.path("credsStore").asText("");
        }
        return helper.isEmpty() ? Optional.empty() : Optional.of(helper);
    }

    /** The config file, for messages (it need not exist). */
    public Path file() {
        return file;
    }

    /** The key docker stores {@code domain}'s credentials under: the domain, Docker Hub's legacy URL for docker.io. */
    static String serverKey(String domain) {
        return domain.equals(ImageRef.DOCKER_HUB) ? DOCKER_HUB_SERVER : domain;
    }

    /**
     * Saves credentials for {@code domain} as docker login does: through its credential
     * helper ({@code store}, a JSON ServerURL/Username/Secret on stdin), else base64
     * {@code user:password} in {@code auths} of config.json, written whole (0600, renamed
     * into place) so that a crash leaves the old file or the new one.
     */
    public void store(String domain, Credentials credentials) throws RegistryException {
        String server = serverKey(domain);
        Optional<String> helper = helperFor(domain);
        if (helper.isPresent()) {
            ObjectNode request = Json.object();
            request.put("ServerURL", server).put("Username", credentials.username()).put("Secret", credentials.secret());
            runHelper(helper.get(), "store", Json.bytes(request));
            return;
        }
        ObjectNode root = editableRoot();
        removeAuths(root, domain);
        String auth = Base64.getEncoder().encodeToString((credentials.username() + ":" + credentials.secret())
                .getBytes(StandardCharsets.UTF_8));
        root.with("auths").putObject(server).put("auth", auth);
        write(root);
    }

    /**
     * Forgets {@code domain}'s credentials as docker logout does: every {@code auths} entry
     * naming that server (with or without a scheme), and the helper's ({@code erase}).
     */
    public void erase(String domain) throws RegistryException {
        Optional<String> helper = helperFor(domain);
        if (helper.isPresent()) {
            HelperAnswer a = runHelperAllowingFailure(helper.get(), "erase", serverKey(domain).getBytes(StandardCharsets.UTF_8));
            // Erasing what the helper does not hold is logging out twice: not an error.
            if (a.status != 0 && !a.notFound()) {
                throw a.failure();
            }
        }
        ObjectNode root = editableRoot();
        if (removeAuths(root, domain)) {
            write(root);
        }
    }

    private ObjectNode editableRoot() throws RegistryException {
        if (!config.isObject()) {
            throw new RegistryException(file + " is not a JSON object");
        }
        ObjectNode root = (ObjectNode) config.deepCopy();
        if (root.has("auths") && !root.get("auths").isObject()) {
            throw new RegistryException(file + ": auths is not a JSON object");
        }
        return root;
    }

    private static boolean removeAuths(ObjectNode root, String domain) {
        JsonNode auths = root.path("auths");
        List<String> keys = new ArrayList<>();
        auths.fieldNames().forEachRemaining(k -> {
            if (serverName(k).equals(domain)) {
                keys.add(k);
            }
        });
        if (auths.isObject()) {
            ((ObjectNode) auths).remove(keys);
        }
        return !keys.isEmpty();
    }

    private void write(JsonNode root) throws RegistryException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            tmp = Files.createTempFile(dir, "config.json.", ".tmp", PosixFilePermissions
                    .asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.pretty(root) + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException ignored) {
                // the write's own error says more
            }
            throw new RegistryException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** {@code https://index.docker.io/v1/} and {@code index.docker.io} name the same server. */
    static String serverName(String key) {
        String s = key.replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(0, slash) : s;
        return s.equals("index.docker.io") || s.equals(RegistryEndpoint.DOCKER_HUB_HOST) ? ImageRef.DOCKER_HUB : s;
    }

    private Credentials decodeAuth(String key, String auth) throws RegistryException {
        String plain;
        try {
            plain = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(file + ": auths." + key + ".auth is not base64");
        }
        int colon = plain.indexOf(':');
        if (colon < 0) {
            throw new RegistryException(file + ": auths." + key + ".auth is not user:password");
        }
        return new Credentials(plain.substring(0, colon), plain.substring(colon + 1));
    }

    /** The JVM looks programs up on its own PATH; the helper is looked up on the command's. */
    private String onPath(String program) {
        for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return program;
    }

    private Optional<Credentials> fromHelper(String helper, String server) throws RegistryException {
        HelperAnswer a = runHelperAllowingFailure(helper, "get", server.getBytes(StandardCharsets.UTF_8));
        if (a.status != 0) {
            if (a.notFound()) {
                return Optional.empty();
            }
            throw a.failure();
        }
        JsonNode answer = Json.parse(a.out, a.program + "'s answer");
        return Optional.of(new Credentials(answer.path("Username").asText(), answer.path("Secret").asText()));
    }

    private void runHelper(String helper, String verb, byte[] input) throws RegistryException {
        HelperAnswer a = runHelperAllowingFailure(helper, verb, input);
        if (a.status != 0) {
            throw a.failure();
        }
    }

    private record HelperAnswer(String program, String verb, int status, byte[] out, String text) {
        /** Helpers say "credentials not found in native keychain" and exit 1. */
        boolean notFound() {
            return text.toLowerCase(Locale.ROOT).contains("credentials not found");
        }

        RegistryException failure() {
            return new RegistryException(program + " " + verb + " failed (exit " + status + "): " + text);
        }
    }

    /** Runs {@code docker-credential-HELPER VERB} with {@code input} on its stdin. */
    private HelperAnswer runHelperAllowingFailure(String helper, String verb, byte[] input) throws RegistryException {
        String program = "docker-credential-" + helper;
        ProcessBuilder pb = new ProcessBuilder(onPath(program), verb);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            } catch (IOException exitedEarly) {
                // A helper that fails may exit before reading its stdin; its exit status tells why.
            }
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readAllBytes();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RegistryException(program + " " + verb + " did not answer in 30 s");
            }
            return new HelperAnswer(program, verb, p.exitValue(), out, new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            if (e instanceof RegistryException) {
                throw (RegistryException) e;
            }
            throw new RegistryException("cannot run credential helper " + program + " (named in " + file + "): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted waiting for " + program);
        }
    }
}
