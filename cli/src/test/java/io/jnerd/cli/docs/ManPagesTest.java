package io.jnerd.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One man page per visible command, each rendered by man(1) and checked by groff with every warning on. */
class ManPagesTest {
    @TempDir
    Path dir;

    private record Rendered(int status, String out, String err) {}

    private Rendered render(String... command) throws IOException, InterruptedException {
        Path err = dir.resolve("render.err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        pb.environment().putAll(Map.of("MANWIDTH", "100", "LANG", "C.UTF-8", "MAN_DISABLE_SECCOMP", "1"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        return new Rendered(p.exitValue(), out, Files.readString(err));
    }

    @Test
    void everyVisibleCommandHasAPageThatManRendersWithoutWarnings() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")) && Files.isExecutable(Path.of("/usr/bin/groff")),
                "needs man and groff (apt-get install man-db)");
        List<Path> pages = ManPages.write(Main.commandLine(new JnerdCommand()), dir.resolve("man1"));
        TreeSet<String> names = new TreeSet<>();
        pages.forEach(p -> names.add(p.getFileName().toString()));
        assertTrue(names.containsAll(List.of("jnerd.1", "jnerd-run.1", "jnerd-login.1", "jnerd-completion.1",
                "jnerd-rootless.1", "jnerd-rootless-check.1", "jnerd-container-prune.1")), names.toString());
        assertTrue(!names.contains("jnerd-network-keeper.1") && !names.contains("jnerd-build-local.1"),
                "hidden commands have no page: " + names);

        for (Path page : pages) {
            Rendered groff = render("groff", "-man", "-Tutf8", "-ww", "-z", page.toString());
            assertEquals(0, groff.status, page + ": " + groff.err);
            assertEquals("", groff.err, page + ": groff warned");
        }
        Rendered run = render("man", "-l", dir.resolve("man1/jnerd-run.1").toString());
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("jnerd-run - Run a command in a new container"), run.out);
        assertTrue(run.out.contains("--net=MODE"), run.out);
        assertTrue(run.out.contains("jnerd run [-dit]"), "the synopsis: " + run.out);
        Rendered rootless = render("man", "-l", dir.resolve("man1/jnerd-rootless.1").toString());
        assertTrue(rootless.out.contains("jnerd-rootless-check(1)"), "subcommands are referred to: " + rootless.out);
    }

    @Test
    void roffControlCharactersInTextAreEscaped() {
        assertEquals("\\&.hidden \\e \\-\\-flag", ManPages.text(".hidden \\ --flag"));
        assertEquals("\\&'quoted", ManPages.text("'quoted"));
    }
}
