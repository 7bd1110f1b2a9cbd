package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.X509Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code jnerd key}: cosign key pairs, and notation keys with their certificates. */
@Command(name = "key", description = "Manage cosign and notation signing keys", subcommands = KeyCommand.Generate.class)
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
        String prefix;

        @Option(names = "--x509", description = "a notation key instead: PREFIX.key, PREFIX.crt (leaf and CA) and"
                + " PREFIX.ca.crt (the CA, for notation's trust store); default PREFIX: notation")
        boolean x509;

        @Option(names = "--subject", paramLabel = "DN", description = "with --x509: the leaf's subject (default: CN=PREFIX,O=jnerd,ST=WA,C=US)")
        String subject;

        @Override
        public Integer call() throws IOException {
            var terminal = terminal();
            if (x509) {
                return x509(terminal);
            }
            if (subject != null) {
                throw new JnerdException("--subject needs --x509");
            }
            prefix = prefix == null ? "cosign" : prefix;
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

        private int x509(Terminal terminal) throws IOException {
            prefix = prefix == null ? "notation" : prefix;
            String dn = subject != null ? subject : "CN=" + Path.of(prefix).getFileName() + ",O=jnerd,ST=WA,C=US";
            Instant now = Instant.now();
            List<Path> written;
            try {
                written = X509Keys.write(X509Keys.generate(dn, now, now.plus(X509Keys.DEFAULT_VALIDITY)), prefix);
            } catch (SignatureException | IllegalArgumentException e) {
                throw new JnerdException(e.getMessage());
            }
            terminal.out().println("Private key written to " + written.get(0));
            terminal.out().println("Certificate chain written to " + written.get(1));
            terminal.out().println("CA certificate written to " + written.get(2) + " (for a notation trust store)");
            return 0;
        }
    }
}
