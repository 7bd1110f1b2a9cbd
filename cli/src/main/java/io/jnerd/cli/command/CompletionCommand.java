package io.jnerd.cli.command;

import io.jnerd.cli.docs.FishCompletion;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jnerd completion bash|zsh|fish}: the shell's completion script on stdout, made
 * from the command tree as it is in this jar. zsh gets picocli's bash script, which turns
 * on zsh's bashcompinit itself.
 */
@Command(name = "completion", description = "Print a shell completion script (bash, zsh or fish)",
        footer = {"", "Load it now:  source <(jnerd completion bash)   (fish: jnerd completion fish | source)",
            "Installed copies are under PREFIX/share/{bash-completion/completions,zsh/site-functions,fish/vendor_completions.d}."})
public final class CompletionCommand extends Subcommand implements Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = shell == Shell.fish ? FishCompletion.script(root)
                : AutoComplete.bash(root.getCommandName(), root);
        terminal().out().print(script);
        terminal().out().flush();
        return 0;
    }
}
