package io.jnerd.cli.warm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Which command lines the warm server runs itself, and which it hands back to a JVM of their
 * own. It runs what touches nothing process-wide: no working directory (the server's is not
 * the client's, and a JVM cannot change its own per thread), no terminal modes (stty works
 * on the process's own stdin), no child process that outlives the command (a detached
 * container's network keeper, a network driver: they would be the server's children, with
 * its environment). What is left is what people type all day: ps, images, inspect, logs,
 * the lifecycle verbs, and a foreground run without a network, mount or TTY.
 */
final class ServedCommands {
    private ServedCommands() {}

    private static final Set<String> SERVED = Set.of("version", "ps", "images", "inspect", "port", "logs", "wait",
            "kill", "stop", "rm", "rmi", "tag", "run");
    /** run's options that need the client's working directory, its terminal, or a process of their own. */
    private static final List<String> RUN_OWN_PROCESS = List.of("--detach", "--tty", "--env-file", "--volume", "--mount",
            "--security-opt", "--annotation", "--publish", "--bypass-ignore");
    private static final Set<String> RUN_NETWORKS = Set.of("none", "host");
    /** Environment variables naming paths, which a relative value would resolve against the server's directory. */
    private static final List<String> PATH_VARIABLES = List.of("JNERD_STATE_DIR", "CONTAINERD_ADDRESS", "DOCKER_CONFIG",
            "XDG_RUNTIME_DIR", "HOME");

    /** Whether {@code args} (parsed with a fresh {@code cmd}) run in the server for a client with {@code env}. */
    static boolean served(CommandLine cmd, List<String> args, Map<String, String> env) {
        for (String name : PATH_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isEmpty() && !Path.of(value).isAbsolute()) {
                return false;
            }
        }
        ParseResult top;
        try {
            top = cmd.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            // Bad input: the same one line either way, and printing it needs nothing of the process.
            return true;
        }
        for (String socket : List.of("--address", "--host")) {
            String value = top.matchedOptionValue(socket, null);
            ParseResult sub = top.subcommand();
            if (value == null && sub != null) {
                value = sub.matchedOptionValue(socket, null);
            }
            if (value != null && !Path.of(value).isAbsolute()) {
                return false;
            }
        }
        ParseResult sub = top.subcommand();
        if (sub == null || sub.isUsageHelpRequested()) {
            return true;
        }
        String name = sub.commandSpec().name();
        if (!SERVED.contains(name) || sub.subcommand() != null) {
            return false;
        }
        if (!name.equals("run")) {
            return true;
        }
        for (String option : RUN_OWN_PROCESS) {
            if (sub.hasMatchedOption(option)) {
                return false;
            }
        }
        // nerdctl's label spelling of bypass4netns picks that network whatever --net says.
        List<String> labels = sub.hasMatchedOption("--label") ? sub.matchedOption("--label").stringValues() : List.of();
        String network = sub.matchedOptionValue("--net", null);
        return network != null && RUN_NETWORKS.contains(network) && labels.stream().noneMatch(l -> l.contains("bypass4netns"));
    }
}
