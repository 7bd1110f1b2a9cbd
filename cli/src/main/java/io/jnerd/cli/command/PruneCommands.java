package io.jnerd.cli.command;

import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageService;
import io.jnerd.proto.Containerd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd container prune} and {@code jnerd image prune}, under docker's management commands. */
public final class PruneCommands {
    private PruneCommands() {}

    /** docker's question before a prune; true when the answer is y or yes. */
    static boolean confirmed(ContainerdCommand command, String warning) throws IOException {
        command.terminal().out().print("WARNING! " + warning + "\nAre you sure you want to continue? [y/N] ");
        command.terminal().out().flush();
        String answer = new BufferedReader(new InputStreamReader(command.terminal().in(), StandardCharsets.UTF_8))
                .readLine();
        return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
    }

    /** What was removed, and docker's closing line (jnerd does not measure the space: containerd's GC frees it later). */
    static void report(ContainerdCommand command, String heading, List<String> removed) {
        if (!removed.isEmpty()) {
            command.terminal().out().println(heading);
            removed.forEach(command.terminal().out()::println);
            command.terminal().out().println();
        }
        command.terminal().out().println("Total reclaimed space: 0B");
    }

    /** {@code jnerd container}: only {@code prune} so far. */
    @Command(name = "container", description = "Manage containers", subcommands = ContainerPrune.class)
    public static final class ContainerGroup extends Subcommand implements Runnable {
        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see jnerd container --help)");
        }
    }

    /** {@code jnerd image}: only {@code prune} so far. */
    @Command(name = "image", description = "Manage images", subcommands = ImagePrune.class)
    public static final class ImageGroup extends Subcommand implements Runnable {
        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see jnerd image --help)");
        }
    }

    @Command(name = "prune", description = "Remove all stopped containers")
    static final class ContainerPrune extends ContainerdCommand {
        @Option(names = {"-f", "--force"}, description = "do not ask for confirmation")
        boolean force;

        @Override
        int call(Containerd containerd) throws IOException {
            if (!force && !confirmed(this, "This will remove all stopped containers.")) {
                return 0;
            }
            report(this, "Deleted Containers:",
                    new Containers(containerd).pruneStopped(global().stateDir(), bypassdSocket()));
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove unused images")
    static final class ImagePrune extends ContainerdCommand {
        @Option(names = {"-f", "--force"}, description = "do not ask for confirmation")
        boolean force;

        @Option(names = {"-a", "--all"}, description = "remove every image no container uses, not only dangling ones")
        boolean all;

        @Override
        int call(Containerd containerd) throws IOException {
            String warning = all ? "This will remove all images without at least one container associated to them."
                    : "This will remove all dangling images.";
            if (!force && !confirmed(this, warning)) {
                return 0;
            }
            // A containerd image always has a name: none is dangling, so without -a there is nothing to remove.
            List<String> removed = all ? new ImageService(containerd).pruneUnused(new Containers(containerd).list())
                    : List.of();
            report(this, "Deleted Images:", removed.stream().map(name -> "untagged: " + PsCommand.familiar(name)).toList());
            return 0;
        }
    }
}
