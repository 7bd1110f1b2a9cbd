package io.jnerd.cli.command;

import io.jnerd.cli.GlobalOptions;
import io.jnerd.cli.Terminal;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every jnerd command has, however deep it sits: the global options (given before or
 * after its name) and the terminal, found through picocli's model of the command line
 * rather than a reference back to the top command.
 */
abstract class Subcommand {
    @Spec
    CommandSpec spec;

    GlobalOptions global() {
        return GlobalOptions.of(spec);
    }

    Terminal terminal() {
        return global().terminal();
    }
}
