package io.jnerd.cli.command;

import io.jnerd.engine.sign.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code jnerd key}: cosign key pairs. */
@Command(name = "key", description = "Manage cosign signing keys", subcommands = KeyCommand.Generate.class)
public final class KeyCommand extends Subcommand implements Runnable {
    @Override
    public void run() {
        // The command line in use (not a new one), so the error goes to this run's stderr.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see jnerd key --help)");
    }

    /** {@code jnerd key generate}: an EC P-256 pair as cosign writes it (PREFIX.key 0600, PREFIX.pub). */
    @Command(name = "generate", description = "Generate an EC P-256 key pair (password from COSIGN_PASSWORD or the terminal; empty: unencrypted)")
    static final class Generate extends Subcommand implements Callable<Integer> {
        @Option(names = "--output-key-prefix", paramLabel = "PREFIX", description = "write PREFIX.key and PREFIX.pub (default: cosign)")
        String prefix = "cosign";

        @Override
        public Integer call() throws IOException {
            var terminal = terminal();
            char[] password = CosignPassword.read(terminal, true);
            Path privateFile = Path.of(prefix + ".key");
            Path publicFile = Path.of(prefix + ".pub");
            try {
                KeyFiles.write(KeyFiles.generateP256(), privateFile, publicFile, password);
            } finally {
                java.util.Arrays.fill(password, '\0');
            }
            terminal.out().println("Private key written to " + privateFile);
            terminal.out().println("Public key written to " + publicFile);
            return 0;
        }
    }
}
