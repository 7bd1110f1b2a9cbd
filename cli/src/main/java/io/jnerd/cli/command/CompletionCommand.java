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
 * on zsh's bashcompinit itself, made loadable from {@code $fpath} too.
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
        String name = root.getCommandName();
        String script;
        switch (shell) {
            case fish:
                script = FishCompletion.script(root);
                break;
            case zsh:
                // "#compdef" first: compinit picks the file up from $fpath as _jnerd. Autoloaded, the
                // file's body runs at the first TAB, after which picocli's script has registered
                // itself; that first TAB is answered by the last line.
                script = "#compdef " + name + "\n" + AutoComplete.bash(name, root)
                        + "[[ ${funcstack[1]-} == _" + name + " ]] && _bash_complete -F _complete_" + name + " -o default\n";
                break;
            default:
                script = AutoComplete.bash(name, root);
        }
        terminal().out().print(script);
        terminal().out().flush();
        return 0;
    }
}
