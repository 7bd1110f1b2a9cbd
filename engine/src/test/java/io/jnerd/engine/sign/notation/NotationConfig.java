package io.jnerd.engine.sign.notation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/** A notation configuration directory for a test: trust stores and one trust policy statement. */
final class NotationConfig {
    final Path dir;

    NotationConfig(Path dir) {
        this.dir = dir;
    }

    /** Adds {@code certs} to {@code truststore/x509/TYPE/NAME/NAME-i.pem}. */
    NotationConfig store(String type, String name, List<X509Certificate> certs) throws IOException {
        Path d = Files.createDirectories(dir.resolve("truststore/x509").resolve(type).resolve(name));
        for (X509Certificate c : certs) {
            Files.writeString(d.resolve(name + "-" + Files.list(d).count() + ".pem"), Certificates.pem(c));
        }
        return this;
    }

    NotationConfig store(String type, String name, Path certFile) throws IOException {
        Path d = Files.createDirectories(dir.resolve("truststore/x509").resolve(type).resolve(name));
        Files.copy(certFile, d.resolve(certFile.getFileName()));
        return this;
    }

    /** Writes {@code trustpolicy.json} with one statement. */
    NotationConfig policy(String scope, String level, List<String> stores, List<String> identities) throws IOException {
        return policyJson("{\"name\":\"test\",\"registryScopes\":[" + quoted(List.of(scope)) + "],"
                + "\"signatureVerification\":{\"level\":\"" + level + "\"},"
                + "\"trustStores\":[" + quoted(stores) + "],\"trustedIdentities\":[" + quoted(identities) + "]}");
    }

    NotationConfig policyJson(String... statements) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("trustpolicy.json"), "{\"version\":\"1.0\",\"trustPolicies\":["
                + String.join(",", statements) + "]}", StandardCharsets.UTF_8);
        return this;
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(","));
    }
}
