package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAuthTest {
    @TempDir
    Path tmp;

    @Test
    void bearerChallengeParameters() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/alpine:pull\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.docker.io/token", c.param("realm"));
        assertEquals("registry.docker.io", c.param("service"));
        assertEquals("repository:library/alpine:pull", c.param("scope"));
        assertEquals("basic", Challenge.parse("Basic realm=\"x\"").orElseThrow().scheme());
        assertTrue(Challenge.parse("").isEmpty());
    }

    @Test
    void credentialsFromDockerConfigAuths() throws Exception {
        String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        Files.writeString(tmp.resolve("config.json"), "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}}}");
        Credentials creds = Credentials.fromEnvironment(Map.of("DOCKER_CONFIG", tmp.toString()));
        Credentials.Login local = creds.lookup("127.0.0.1:5000").orElseThrow();
        assertEquals("Basic " + auth, local.basic());
        assertTrue(creds.lookup("docker.io").isPresent(), "Docker Hub's key is its old index URL");
        assertTrue(creds.lookup("elsewhere.example").isEmpty());
        assertTrue(Credentials.fromEnvironment(Map.of("DOCKER_CONFIG", tmp.resolve("none").toString()))
                .lookup("127.0.0.1:5000").isEmpty());
    }
}
