package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnerd completion SHELL}: each script loaded into the real shell (bin/deb-packages
 * has zsh and fish), which then completes a command name, a flag of {@code run}, a
 * subcommand of {@code rootless} and the shells of {@code completion}.
 */
class CompletionTest {
    @TempDir
    Path dir;

    private static String jnerd(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new Terminal(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()), args);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Runs {@code script} in {@code shell} and returns its stdout (stderr goes to the assertion message). */
    private String shell(String shell, String script) throws IOException, InterruptedException {
        Path program = Path.of("/usr/bin", shell);
        assumeTrue(Files.isExecutable(program), "needs " + program + " (apt-get install " + shell + ")");
        Path err = dir.resolve(shell + ".err");
        Process p = new ProcessBuilder(program.toString(), "-c", script).directory(dir.toFile())
                .redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), shell + " finished");
        assertEquals(0, p.exitValue(), shell + ": " + Files.readString(err));
        return out;
    }

    /** Calls bash's completion function as bash does on TAB after {@code line}; one candidate a line. */
    private static String bashCompletes(String... words) {
        StringBuilder quoted = new StringBuilder();
        for (String w : words) {
            quoted.append(" '").append(w).append('\'');
        }
        return "COMP_WORDS=(" + quoted + " ); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE=\"${COMP_WORDS[*]}\"; "
                + "COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_jnerd 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"; "
                + "echo ==; ";
    }

    @Test
    void bashCompletesCommandsFlagsAndSubcommands() throws Exception {
        Path script = dir.resolve("jnerd.bash");
        Files.writeString(script, jnerd("completion", "bash"));
        String out = shell("bash", "source " + script + "; "
                + bashCompletes("jnerd", "ru") + bashCompletes("jnerd", "run", "--ne")
                + bashCompletes("jnerd", "rootless", "ch") + bashCompletes("jnerd", "completion", "")
                + "complete -p jnerd");
        List<String> parts = List.of(out.split("==\n", -1));
        assertEquals(List.of("run"), parts.get(0).lines().toList(), out);
        assertEquals(List.of("--net", "--network"), parts.get(1).lines().toList(), out);
        assertEquals(List.of("check"), parts.get(2).lines().toList(), out);
        assertEquals(List.of("bash", "zsh", "fish"), parts.get(3).lines().toList(), out);
        assertEquals("complete -o default -F _complete_jnerd jnerd", parts.get(4).strip(), out);
    }

    @Test
    void zshLoadsTheBashScriptThroughBashcompinitSourcedOrFromFpath() throws Exception {
        Path functions = Files.createDirectories(dir.resolve("site-functions"));
        Path script = functions.resolve("_jnerd");
        Files.writeString(script, jnerd("completion", "zsh"));
        String sourced = shell("zsh", "HOME=" + dir + "; source " + script + "; print -r -- \"$_comps[jnerd]\"");
        assertEquals("_bash_complete -F _complete_jnerd -o default", sourced.strip());
        String installed = shell("zsh", "HOME=" + dir + "; fpath=(" + functions + " $fpath); autoload -U compinit; "
                + "compinit -u -d " + dir.resolve("zcompdump") + "; print -r -- \"$_comps[jnerd]\"");
        assertEquals("_jnerd", installed.strip());
    }

    @Test
    void fishCompletesCommandsFlagsAndSubcommands() throws Exception {
        Path script = dir.resolve("jnerd.fish");
        Files.writeString(script, jnerd("completion", "fish"));
        String out = shell("fish", "source " + script + "; for line in 'jnerd ru' 'jnerd run --ne' 'jnerd rootless ch' "
                + "'jnerd completion '; complete -C $line | string replace -r '\\t.*' ''; echo ==; end");
        List<String> parts = List.of(out.split("==\n", -1));
        assertEquals(List.of("run"), parts.get(0).lines().toList(), out);
        assertEquals(List.of("--net", "--network"), parts.get(1).lines().toList(), out);
        assertEquals(List.of("check"), parts.get(2).lines().toList(), out);
        assertEquals(List.of("bash", "fish", "zsh"), parts.get(3).lines().sorted().toList(), out);
    }
}
