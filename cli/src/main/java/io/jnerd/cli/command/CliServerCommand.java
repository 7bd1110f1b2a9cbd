package io.jnerd.cli.command;

import io.jnerd.cli.warm.WarmServer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnerd cli-server}: the warm server bin/jnerd hands short commands to, so they skip
 * the JVM's start (docs/benchmarks.md, "cli-start"). One per user and state folder.
 */
@Command(name = "cli-server", description = "Run this user's short jnerd commands (ps, images, inspect, logs, rm, "
        + "run --net=none|host, ...) in one resident JVM: bin/jnerd hands them over when it is running")
public final class CliServerCommand extends Subcommand implements Callable<Integer> {
    /** The socket's name in jnerd's state folder; bin/jnerd finds it by the same rule. */
    public static final String SOCKET = "cli.sock";

    @Option(names = "--idle-timeout", paramLabel = "MINUTES", defaultValue = "30",
            description = "stop after this many minutes without a command (0: never; default: ${DEFAULT-VALUE})")
    long idleMinutes;

    @Override
    public Integer call() throws Exception {
        Duration idle = idleMinutes <= 0 ? Duration.ofDays(365_000) : Duration.ofMinutes(idleMinutes);
        WarmServer server = new WarmServer(global().stateDir().resolve(SOCKET), idle, ownJar(), terminal().err());
        Thread stopOnSignal = new Thread(server::stop, "jnerd-warm-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        server.serve();
        return 0;
    }

    /**
     * The jar whose replacement stops the server: bin/jnerd's {@code jnerd.warm.jar} (in a
     * checkout the server runs from a copy), else the one this JVM runs; null when run from classes.
     */
    private static Path ownJar() throws URISyntaxException {
        String watched = System.getProperty("jnerd.warm.jar");
        if (watched != null) {
            return Path.of(watched);
        }
        Path source = Path.of(CliServerCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return source.toString().endsWith(".jar") ? source : null;
    }
}
