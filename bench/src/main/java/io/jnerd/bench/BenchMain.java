package io.jnerd.bench;

import io.jnerd.bench.macro.BenchCommand;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The bench jar's entry point: {@code jnerd bench} (bin/jnerd hands {@code bench} to this
 * jar, which holds cli and everything below it) and {@code jnerd bench jmh} for the JMH
 * micro benchmarks.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            // JMH parses its own options (-f, -wi, -rf ...) and forks JVMs from this jar.
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        CommandLine cmd = new CommandLine(new BenchCommand(args));
        cmd.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("jnerd bench: " + ex.getMessage() + " (see 'jnerd bench --help')");
            return 125;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("jnerd bench: " + ex.getMessage());
            return 125;
        });
        System.exit(cmd.execute(args));
    }
}
