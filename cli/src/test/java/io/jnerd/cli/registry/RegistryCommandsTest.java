package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pull, push and key flags that are wrong are one line and exit 125 before containerd or a registry is asked. */
class RegistryCommandsTest {
    @TempDir
    Path tmp;

    private String[] run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new Terminal(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env), args);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void unknownVerifyAndSignModesAreRefusedByTheParser() {
        String[] pull = run(Map.of(), "pull", "--verify=gpg", "alpine");
        assertEquals("125", pull[0]);
        assertEquals(1, pull[2].lines().count(), pull[2]);
        assertTrue(pull[2].contains("--verify"), pull[2]);
        String[] push = run(Map.of(), "push", "--sign=notary", "alpine");
        assertEquals("125", push[0]);
        assertTrue(push[2].contains("--sign"), push[2]);
    }

    @Test
    void keyGenerateWritesAnUnencryptedPairForAnEmptyPassword() throws Exception {
        String[] r = run(Map.of("COSIGN_PASSWORD", ""), "key", "generate", "--output-key-prefix", tmp.resolve("k").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.readString(tmp.resolve("k.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        String[] missing = run(Map.of(), "key");
        assertEquals("125", missing[0]);
        assertTrue(missing[2].contains("missing subcommand"), missing[2]);
    }
}
