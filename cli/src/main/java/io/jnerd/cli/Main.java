package io.jnerd.cli;

import io.jnerd.engine.ExitCodes;
import io.jnerd.proto.Containerd;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Entry point: parses, runs one command, exits with its code (docker's conventions). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(Terminal.system(), args));
    }

    /** Runs one command line against {@code terminal}; used by {@link #main} and by in-process tests. */
    public static int execute(Terminal terminal, String... args) {
        JnerdCommand top = new JnerdCommand();
        return execute(terminal, Containerd::connect, top, commandLine(top), args);
    }

    /**
     * Runs one command line of the warm server: {@code cmd} is {@link #commandLine} of
     * {@code top}, already used to look at {@code args} (picocli resets it on each parse),
     * and containerd is reached through {@code connector}.
     */
    public static int execute(Terminal terminal, GlobalOptions.Connector connector, JnerdCommand top, CommandLine cmd,
            String... args) {
        top.global().terminal(terminal);
        top.global().connector(connector);
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
        // "jnerd run IMAGE cmd --flag" (and exec CONTAINER cmd --flag): everything after it belongs to the container.
        cmd.getSubcommands().get("run").setStopAtPositional(true);
        cmd.getSubcommands().get("exec").setStopAtPositional(true);
        addHelp(cmd);
        return cmd;
    }

    /**
     * -h/--help on every command and subcommand, present and future: it prints the usage and
     * exits 0 before required parameters are checked. Only --help where -h means something
     * else (docker's {@code run -h} is the hostname).
     */
    private static void addHelp(CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
            String[] names = spec.findOption("-h") == null ? new String[] {"-h", "--help"} : new String[] {"--help"};
            spec.addOption(OptionSpec.builder(names).type(boolean.class).usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        cmd.getSubcommands().values().forEach(Main::addHelp);
    }
}
