package io.jnerd.cli.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The token half of docker's registry auth, for docker-registry's {@code auth: token}
 * mode: checks Basic credentials, answers with an RS256 JWT carrying the requested
 * repository access, signed by a key whose self-signed certificate (made with openssl)
 * the registry trusts (rootcertbundle) and which the token names in its x5c header.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "jnerd-test-registry";
    public static final String ISSUER = "jnerd-test-issuer";

    private final HttpServer server;
    private final Path certificate;

    private TokenServer(HttpServer server, Path certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    public static TokenServer start(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=jnerd-test-token").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + out);
        }
        PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pemBody(key)));
        X509Certificate x509;
        try (var in = Files.newInputStream(cert)) {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String x5c = Base64.getEncoder().encodeToString(x509.getEncoded());
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body;
            int status;
            if (!expected.equals(auth)) {
                status = 401;
                body = "{\"details\":\"bad credentials\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                String query = exchange.getRequestURI().getRawQuery();
                String scope = "";
                for (String kv : query == null ? new String[0] : query.split("&")) {
                    if (kv.startsWith("scope=")) {
                        scope = URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
                    }
                }
                String jwt = jwt(privateKey, x5c, user, scope);
                status = 200;
                body = ("{\"token\":\"" + jwt + "\",\"access_token\":\"" + jwt + "\",\"expires_in\":300}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return new TokenServer(server, cert);
    }

    /** The registry config section that sends clients here. */
    public String registryAuthConfig() {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certificate + "\n";
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private static String jwt(PrivateKey key, String x5c, String subject, String scope) {
        // scope: "repository:NAME:ACTIONS" (NAME may hold no ':'; actions are comma separated).
        String[] parts = scope.split(":");
        String access = parts.length == 3
                ? "[{\"type\":\"" + parts[0] + "\",\"name\":\"" + parts[1] + "\",\"actions\":[\""
                        + String.join("\",\"", parts[2].split(",")) + "\"]}]"
                : "[]";
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + x5c + "\"]}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + SERVICE + "\",\"exp\":"
                + (now + 300) + ",\"nbf\":" + (now - 60) + ",\"iat\":" + now + ",\"jti\":\"" + System.nanoTime()
                + "\",\"access\":" + access + "}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] pemBody(Path pem) throws IOException {
        String text = Files.readString(pem);
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
