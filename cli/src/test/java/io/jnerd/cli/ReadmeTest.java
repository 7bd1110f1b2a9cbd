package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first two commands as a new user types them on a fresh Debian machine, as
 * root, where there is no sudo: they must not need it, and the scripts they run must not call it.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** sudo as a command: at a line's start or after a shell operator, not in an echo's text. */
    private static final Pattern SUDO_CALL = Pattern.compile("(^|[;&|]\\s*|\\$\\(\\s*)sudo\\s");

    @Test
    void theFirstCommandsWorkAsRootWithoutSudo() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("```sh\n") + "```sh\n".length();
        List<String> first = readme.substring(start, readme.indexOf("```", start)).lines().toList();
        assertEquals(3, first.size(), first.toString());
        assertTrue(first.get(0).matches("bin/jnerd demo +# as root: .*"), first.get(0));
        assertTrue(first.get(1).matches("bin/test +# as root: .*"), first.get(1));
        assertTrue(first.get(2).matches("\\./mvnw .*-Pdist .*&& dist/target/install\\.sh +# install: .*"), first.get(2));
        assertTrue(readme.contains("As an ordinary user, put `sudo` in front (`sudo bin/jnerd demo`"), "and says so");
        for (String script : List.of("bin/jnerd", "bin/test", "bin/find-jdk", "bin/lint", "bin/check-skips", "mvnw",
                "dist/install.sh", "dist/check-install", "dist/build-archive.sh")) {
            for (String line : Files.readAllLines(ROOT.resolve(script))) {
                String code = line.strip();
                assertTrue(code.startsWith("#") || !SUDO_CALL.matcher(code).find(), script + " calls sudo: " + line);
            }
        }
    }
}
