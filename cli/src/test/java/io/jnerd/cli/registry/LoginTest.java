package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TokenServer;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.OciImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnerd login}/{@code logout} against Debian's docker-registry behind htpasswd basic
 * auth: a wrong password is docker's error and saves nothing; a right one is saved in
 * docker's config.json, where push and pull then find it; logout forgets it.
 */
@Tag("privileged")
class LoginTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret pass";

    @TempDir
    static Path tmp;
    static RegistryTestBed bed;
    static RegistryFixture secured;

    @BeforeAll
    static void start() throws Exception {
        bed = RegistryTestBed.start(tmp);
        secured = RegistryFixture.startWithBasicAuth(tmp.resolve("basic-registry"), USER, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (secured != null) {
            secured.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private static Cli.Result jnerd(Path dockerConfig, String stdin, String... args) {
        return bed.cli.withEnv(Map.of("DOCKER_CONFIG", dockerConfig.toString())).runWithInput(stdin, args);
    }

    @Test
    void wrongPasswordIsDockersErrorAndSavesNothing() {
        Path config = tmp.resolve("docker-wrong");
        Cli.Result r = jnerd(config, "wrong\n", "login", secured.host(), "-u", USER, "--password-stdin");
        assertEquals(1, r.exitCode, r.toString());
        assertEquals("jnerd: login attempt to http://" + secured.host() + "/v2/ failed with status: 401 Unauthorized\n",
                r.err);
        assertFalse(Files.exists(config.resolve("config.json")), "nothing saved");
    }

    @Test
    void savedCredentialsServePushAndPullUntilLogout() throws Exception {
        Path config = tmp.resolve("docker-alice");
        String name = secured.host() + "/team/busybox:v1";
        OciImage image = RegistryTestBed.busybox("login");
        bed.load(image, name);

        Cli.Result login = jnerd(config, PASSWORD + "\n", "login", "http://" + secured.host() + "/", "-u", USER,
                "--password-stdin");
        assertEquals(0, login.exitCode, login.toString());
        assertEquals("Login Succeeded\n", login.out);
        assertEquals("WARNING! Your password will be stored unencrypted in " + config.resolve("config.json") + ".\n",
                login.err);
        Path file = config.resolve("config.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String auth = Json.parse(Files.readAllBytes(file), "config").path("auths").path(secured.host()).path("auth").asText();
        assertEquals(USER + ":" + PASSWORD, new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));

        Cli.Result push = jnerd(config, "", "push", name);
        assertEquals(0, push.exitCode, push.toString());
        String ns = bed.newNamespace();
        Cli.Result pull = bed.jnerd(ns, Map.of("DOCKER_CONFIG", config.toString()), "pull", name);
        assertEquals(0, pull.exitCode, pull.toString());
        bed.assertPulled(ns, name, image.manifest().digest());

        Cli.Result logout = jnerd(config, "", "logout", secured.host());
        assertEquals(0, logout.exitCode, logout.toString());
        assertEquals("Removing login credentials for " + secured.host() + "\n", logout.out);
        assertTrue(Json.parse(Files.readAllBytes(file), "config").path("auths").path(secured.host()).isMissingNode(),
                Files.readString(file));
        Cli.Result refused = bed.jnerd(bed.newNamespace(), Map.of("DOCKER_CONFIG", config.toString()), "pull", name);
        assertEquals(125, refused.exitCode, refused.toString());
        assertTrue(refused.err.contains("wants a user name and password"), refused.err);
    }

    @Test
    void behindATokenServerTheCredentialsAreCheckedByAskingForAToken() throws Exception {
        try (TokenServer tokens = TokenServer.start("bob", "hunter2");
             RegistryFixture registry = RegistryFixture.start(tmp.resolve("token-registry"), tokens)) {
            Path config = tmp.resolve("docker-bob");
            Cli.Result wrong = jnerd(config, "nope", "login", registry.host(), "-u", "bob", "--password-stdin");
            assertEquals(1, wrong.exitCode, wrong.toString());
            assertTrue(wrong.err.startsWith("jnerd: token server ") && wrong.err.contains(" refused a token for "
                    + registry.host() + ": HTTP 401"), wrong.err);
            assertEquals(1, wrong.err.lines().count(), wrong.err);
            assertFalse(Files.exists(config.resolve("config.json")), "nothing saved");
            assertEquals(0, tokens.issued());

            Cli.Result right = jnerd(config, "hunter2", "login", registry.host(), "-u", "bob", "--password-stdin");
            assertEquals(0, right.exitCode, right.toString());
            assertEquals("Login Succeeded\n", right.out);
            assertEquals(1, tokens.issued(), "the registry's /v2/ took the token issued for bob");
            assertTrue(Files.readString(config.resolve("config.json")).contains(registry.host()));
        }
    }

    @Test
    void badCombinationsAreOneLineAndExitOne() {
        Path config = tmp.resolve("docker-usage");
        Cli.Result noUser = jnerd(config, "pw\n", "login", secured.host(), "--password-stdin");
        assertEquals(1, noUser.exitCode, noUser.toString());
        assertEquals("jnerd: Must provide --username with --password-stdin\n", noUser.err);
        Cli.Result both = jnerd(config, "pw\n", "login", secured.host(), "-u", USER, "-p", "x", "--password-stdin");
        assertEquals("jnerd: --password and --password-stdin are mutually exclusive\n", both.err);
        Cli.Result noTty = jnerd(config, "", "login", secured.host());
        assertEquals(1, noTty.exitCode, noTty.toString());
        assertEquals("jnerd: Cannot perform an interactive login from a non TTY device\n", noTty.err);
        Cli.Result flood = jnerd(config, "x".repeat(1 << 20), "login", secured.host(), "-u", USER, "--password-stdin");
        assertEquals(1, flood.exitCode, flood.toString());
        assertEquals("jnerd: --password-stdin: more than 65536 bytes on stdin is no password\n", flood.err);
        assertFalse(Files.exists(config), "nothing created");
    }
}
