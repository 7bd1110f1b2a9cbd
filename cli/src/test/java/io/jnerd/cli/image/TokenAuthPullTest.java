package io.jnerd.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.cli.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jnerd pull from a docker-registry in token-auth mode, with the credentials in docker's config.json. */
@Tag("privileged")
class TokenAuthPullTest {
    @TempDir
    Path tmp;

    @Test
    void pullsWithABearerTokenAndFailsInOneLineWithoutCredentials() throws Exception {
        try (TokenServer tokens = TokenServer.start("alice", "s3cret");
             RegistryFixture registry = RegistryFixture.start(tmp.resolve("registry"), tokens);
             ContainerdFixture containerd = ContainerdFixture.start()) {
            registry.push(TestImages.busyboxArchive(tmp), "private/busybox:v1", "alice:s3cret");
            String image = registry.host() + "/private/busybox:v1";
            Cli cli = new Cli(containerd, tmp.resolve("state"));

            Cli.Result anonymous = cli.withEnv(Map.of("DOCKER_CONFIG", tmp.resolve("nobody").toString())).run("pull", image);
            assertEquals(125, anonymous.exitCode, anonymous.toString());
            assertEquals(1, anonymous.err.lines().count(), anonymous.err);
            assertTrue(anonymous.err.contains("refused a token") && anonymous.err.contains("HTTP 401"), anonymous.err);

            Path dockerConfig = tmp.resolve("docker");
            Files.createDirectories(dockerConfig);
            String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(dockerConfig.resolve("config.json"),
                    "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            Cli alice = cli.withEnv(Map.of("DOCKER_CONFIG", dockerConfig.toString()));
            Cli.Result pull = alice.run("pull", "-q", image);
            assertEquals(0, pull.exitCode, pull.toString());
            assertEquals(image + "\n", pull.out);
            assertEquals("bar\n", alice.run("run", "--rm", image, "sh", "-c", "echo $FOO").out);
        }
    }
}
