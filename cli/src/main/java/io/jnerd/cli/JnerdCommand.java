package io.jnerd.cli;

import io.jnerd.cli.command.BuildLocalCommand;
import io.jnerd.cli.command.BypassdCommand;
import io.jnerd.cli.command.CliServerCommand;
import io.jnerd.cli.command.CompletionCommand;
import io.jnerd.cli.command.CpCommand;
import io.jnerd.cli.command.DaemonCommand;
import io.jnerd.cli.command.DemoCommand;
import io.jnerd.cli.command.ExecCommand;
import io.jnerd.cli.command.ImagesCommand;
import io.jnerd.cli.command.InfoCommand;
import io.jnerd.cli.command.InspectCommand;
import io.jnerd.cli.command.KeyCommand;
import io.jnerd.cli.command.KillCommand;
import io.jnerd.cli.command.LoadCommand;
import io.jnerd.cli.command.LoginCommand;
import io.jnerd.cli.command.LogoutCommand;
import io.jnerd.cli.command.LogsCommand;
import io.jnerd.cli.command.NetworkKeeperCommand;
import io.jnerd.cli.command.PortCommand;
import io.jnerd.cli.command.PruneCommands;
import io.jnerd.cli.command.PsCommand;
import io.jnerd.cli.command.PullCommand;
import io.jnerd.cli.command.RestartCommand;
import io.jnerd.cli.command.PushCommand;
import io.jnerd.cli.command.RmCommand;
import io.jnerd.cli.command.RmiCommand;
import io.jnerd.cli.command.RootlessCommand;
import io.jnerd.cli.command.RunCommand;
import io.jnerd.cli.command.SaveCommand;
import io.jnerd.cli.command.StartCommand;
import io.jnerd.cli.command.StopCommand;
import io.jnerd.cli.command.TagCommand;
import io.jnerd.cli.command.VersionCommand;
import io.jnerd.cli.command.WaitCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The top command: only options shared by all, and the list of subcommands. */
@Command(name = "jnerd", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Rootless container networking and security for containerd, with a nerdctl-style CLI.",
        subcommands = {
            RunCommand.class, ExecCommand.class, CpCommand.class, PsCommand.class, RmCommand.class, StopCommand.class, KillCommand.class,
            WaitCommand.class, StartCommand.class, RestartCommand.class, PortCommand.class, LogsCommand.class,
            TagCommand.class,
            PruneCommands.ContainerGroup.class, PruneCommands.ImageGroup.class,
            InspectCommand.class, ImagesCommand.class, RmiCommand.class, PullCommand.class, LoadCommand.class,
            SaveCommand.class, LoginCommand.class, LogoutCommand.class,
            BuildLocalCommand.class, VersionCommand.class, InfoCommand.class, PushCommand.class, KeyCommand.class,
            RootlessCommand.class, DemoCommand.class, BypassdCommand.class, NetworkKeeperCommand.class, DaemonCommand.class,
            CliServerCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class
        })
public final class JnerdCommand implements Runnable {
    @Mixin(name = GlobalOptions.MIXIN)
    GlobalOptions global = new GlobalOptions();

    public GlobalOptions global() {
        return global;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command (see jnerd --help)");
    }
}
