package io.jnerd.cli;

import io.jnerd.engine.ExitCodes;
import picocli.CommandLine;

/** Entry point: parses, runs one command, exits with its code (docker's conventions). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(Terminal.system(), args));
    }

    /** Runs one command line against {@code terminal}; used by {@link #main} and by in-process tests. */
    public static int execute(Terminal terminal, String... args) {
        JnerdCommand top = new JnerdCommand();
        top.global().terminal(terminal);
        CommandLine cmd = commandLine(top);
        cmd.setOut(new java.io.PrintWriter(terminal.out(), true));
        cmd.setErr(new java.io.PrintWriter(terminal.err(), true));
        cmd.setExecutionExceptionHandler((e, c, parsed) ->
                new ErrorReporter(top.global().debug()).handleExecutionException(e, c, parsed));
        return cmd.execute(args);
    }

    /** The configured command tree, also for parser tests. */
    public static CommandLine commandLine(JnerdCommand top) {
        CommandLine cmd = new CommandLine(top);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jnerd: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return ExitCodes.JNERD_ERROR;
        });
        // "jnerd run IMAGE cmd --flag": everything after the image belongs to the container.
        cmd.getSubcommands().get("run").setStopAtPositional(true);
        return cmd;
    }
}
