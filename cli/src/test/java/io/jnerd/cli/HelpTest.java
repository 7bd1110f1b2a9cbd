package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --help (and -h where it is free) on every command and subcommand, and {@code jnerd help CMD}. */
class HelpTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int jnerd(List<String> args) {
        out.reset();
        err.reset();
        Terminal t = new Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return Main.execute(t, args.toArray(new String[0]));
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> all) {
        all.add(path);
        cmd.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                collect(sub, deeper, all);
            }
        });
    }

    private static List<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        collect(Main.commandLine(new JnerdCommand()), List.of(), all);
        return all;
    }

    @Test
    void everyCommandAndSubcommandPrintsItsUsageForHelp() {
        List<List<String>> commands = everyCommand();
        assertTrue(commands.size() > 20, "the walk found " + commands);
        assertTrue(commands.contains(List.of("rootless", "check")), "subcommands too: " + commands);
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            String line = "jnerd " + String.join(" ", args);
            assertEquals(0, jnerd(args), line + ": " + err.toString(StandardCharsets.UTF_8));
            String usage = out.toString(StandardCharsets.UTF_8);
            assertTrue(usage.contains("Usage: " + ("jnerd " + String.join(" ", command)).strip()), line + " printed: " + usage);
            assertEquals("", err.toString(StandardCharsets.UTF_8), line);
        }
    }

    @Test
    void dashHIsHelpExceptWhereItIsTaken() {
        assertEquals(0, jnerd(List.of("ps", "-h")));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: jnerd ps"));
        assertEquals(0, jnerd(List.of("run", "--help")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("-h, --hostname=NAME"), "run -h stays docker's hostname");
    }

    @Test
    void helpCommandShowsACommandsUsage() {
        assertEquals(0, jnerd(List.of("help", "run")));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: jnerd run"), out.toString(StandardCharsets.UTF_8));
        assertEquals(0, jnerd(List.of("help")));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: jnerd"));
    }
}
