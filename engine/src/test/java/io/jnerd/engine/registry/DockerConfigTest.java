package io.jnerd.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path dir;

    private DockerConfig config(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return DockerConfig.load(Map.of("DOCKER_CONFIG", dir.toString(), "PATH", dir.toString()));
    }

    private static String auth(String userPassword) {
        return Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authsByRegistryAndDockerHubUnderItsLegacyKey() throws Exception {
        DockerConfig c = config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth("hub:pw1") + "\"},"
                + "\"127.0.0.1:5000\":{\"auth\":\"" + auth("local:p:w") + "\"}}}");
        assertEquals("hub", c.credentials("docker.io").orElseThrow().username());
        Credentials local = c.credentials("127.0.0.1:5000").orElseThrow();
        assertEquals("Basic " + auth("local:p:w"), local.basicAuthorization(), "only the first colon splits");
        assertTrue(c.credentials("ghcr.io").isEmpty());
    }

    @Test
    void credentialHelperPerRegistryWinsOverAuths() throws Exception {
        helper("fake", "echo '{\"ServerURL\":\"x\",\"Username\":\"from-helper\",\"Secret\":\"s\"}'");
        DockerConfig c = config("{\"credHelpers\":{\"ghcr.io\":\"fake\"},\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth("a:b") + "\"}}}");
        assertEquals("from-helper", c.credentials("ghcr.io").orElseThrow().username());
    }

    @Test
    void credsStoreReadsTheServerOnStdinAndNotFoundIsNoCredentials() throws Exception {
        helper("store", "read server; if [ \"$server\" = https://index.docker.io/v1/ ]; then "
                + "echo '{\"Username\":\"hubuser\",\"Secret\":\"t\"}'; else echo 'credentials not found in native keychain'; exit 1; fi");
        DockerConfig c = config("{\"credsStore\":\"store\"}");
        assertEquals("hubuser", c.credentials("docker.io").orElseThrow().username());
        assertTrue(c.credentials("quay.io").isEmpty());
    }

    @Test
    void brokenHelperAndBadAuthAreOneLineErrors() throws Exception {
        helper("broken", "echo 'boom' ; exit 3");
        RegistryException e = assertThrows(RegistryException.class,
                () -> config("{\"credsStore\":\"broken\"}").credentials("quay.io"));
        assertEquals("docker-credential-broken get failed (exit 3): boom", e.getMessage());
        RegistryException bad = assertThrows(RegistryException.class,
                () -> config("{\"auths\":{\"quay.io\":{\"auth\":\"not base64!\"}}}").credentials("quay.io"));
        assertTrue(bad.getMessage().endsWith("auths.quay.io.auth is not base64"), bad.getMessage());
    }

    @Test
    void missingConfigIsNoCredentials() throws Exception {
        assertTrue(DockerConfig.load(Map.of("DOCKER_CONFIG", dir.resolve("none").toString())).credentials("docker.io").isEmpty());
    }

    @Test
    void storeKeepsTheRestOfTheFileAndEraseForgetsEveryNameOfTheServer() throws Exception {
        DockerConfig c = config("{\"psFormat\":\"table {{.ID}}\",\"auths\":{\"http://127.0.0.1:5000\":{\"auth\":\""
                + auth("old:pw") + "\"},\"ghcr.io\":{\"auth\":\"" + auth("g:h") + "\"}}}");
        c.store("127.0.0.1:5000", new Credentials("new", "p:w"));
        DockerConfig stored = DockerConfig.load(Map.of("DOCKER_CONFIG", dir.toString()));
        assertEquals("new", stored.credentials("127.0.0.1:5000").orElseThrow().username());
        assertEquals("g", stored.credentials("ghcr.io").orElseThrow().username());
        String text = Files.readString(dir.resolve("config.json"));
        assertTrue(text.contains("\"psFormat\" : \"table {{.ID}}\""), text);
        assertTrue(!text.contains("http://127.0.0.1:5000"), "the old entry under another name is replaced: " + text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.json"))));

        stored.store("docker.io", new Credentials("hub", "x"));
        assertTrue(Files.readString(dir.resolve("config.json")).contains("https://index.docker.io/v1/"));
        DockerConfig.load(Map.of("DOCKER_CONFIG", dir.toString())).erase("127.0.0.1:5000");
        DockerConfig erased = DockerConfig.load(Map.of("DOCKER_CONFIG", dir.toString()));
        assertTrue(erased.credentials("127.0.0.1:5000").isEmpty());
        assertEquals("hub", erased.credentials("docker.io").orElseThrow().username());
        try (var left = Files.list(dir)) {
            assertEquals(java.util.List.of("config.json"), left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void storeAndEraseGoThroughTheCredentialHelper() throws Exception {
        Path log = dir.resolve("helper.log");
        helper("rec", "echo \"$1 $(cat)\" >> " + log + "; if [ $1 = erase ]; then echo 'credentials not found in native keychain'; exit 1; fi");
        DockerConfig c = config("{\"credHelpers\":{\"127.0.0.1:5000\":\"rec\"}}");
        c.store("127.0.0.1:5000", new Credentials("u", "s"));
        c.erase("127.0.0.1:5000"); // the helper's "not found": logging out twice is no error
        assertEquals("store {\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"u\",\"Secret\":\"s\"}\nerase 127.0.0.1:5000\n",
                Files.readString(log));
        assertEquals("{\"credHelpers\":{\"127.0.0.1:5000\":\"rec\"}}", Files.readString(dir.resolve("config.json")),
                "the file is not touched");
    }

    private void helper(String name, String script) throws Exception {
        Path p = dir.resolve("docker-credential-" + name);
        Files.writeString(p, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
