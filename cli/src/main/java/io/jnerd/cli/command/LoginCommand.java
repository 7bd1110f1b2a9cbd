package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.registry.Credentials;
import io.jnerd.engine.registry.RegistryException;
import io.jnerd.engine.registry.RegistryLogin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnerd login [SERVER]}: docker's login — credentials checked against the registry,
 * then saved in docker's config (or its credential helper), where pull and push find them.
 * Like docker, a failure is exit 1.
 */
@Command(name = "login", description = "Log in to a registry (default: Docker Hub)")
public final class LoginCommand extends Subcommand implements Callable<Integer> {
    private static final int FAILED = 1;
    /** Passwords and tokens are far shorter; a stream beyond this is a mistake (or a flood), not read to its end. */
    private static final int MAX_PASSWORD_BYTES = 64 * 1024;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "registry HOST[:PORT]")
    String server;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "user name")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "password (prefer --password-stdin)")
    String password;

    @Option(names = "--password-stdin", description = "read the password from stdin")
    boolean passwordStdin;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws IOException {
        Terminal t = terminal();
        if (password != null && passwordStdin) {
            throw new JnerdException(FAILED, "--password and --password-stdin are mutually exclusive", null);
        }
        if (passwordStdin && username == null) {
            throw new JnerdException(FAILED, "Must provide --username with --password-stdin", null);
        }
        String domain;
        try {
            domain = RegistryLogin.domain(server);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(FAILED, e.getMessage(), null);
        }
        String secret = password;
        if (passwordStdin) {
            byte[] in = t.in().readNBytes(MAX_PASSWORD_BYTES + 1);
            if (in.length > MAX_PASSWORD_BYTES) {
                throw new JnerdException(FAILED, "--password-stdin: more than " + MAX_PASSWORD_BYTES
                        + " bytes on stdin is no password", null);
            }
            // docker strips the one trailing newline (and a CR before it) that echo or a file adds.
            secret = new String(in, StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
        } else if (password != null) {
            t.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        }
        String user = username != null ? username : prompt(t, "Username: ", false);
        if (secret == null) {
            secret = prompt(t, "Password: ", true);
        }
        if (user.isEmpty()) {
            throw new JnerdException(FAILED, "Username is required", null);
        }
        if (secret.isEmpty()) {
            throw new JnerdException(FAILED, "Password is required", null);
        }
        RegistryLogin.Saved saved;
        try {
            saved = RegistryLogin.login(domain, new Credentials(user, secret), registry.insecure, t.env());
        } catch (RegistryException e) {
            throw new JnerdException(FAILED, e.getMessage(), null);
        }
        if (saved.helper().isEmpty()) {
            t.err().println("WARNING! Your password will be stored unencrypted in " + saved.file() + ".");
        }
        t.out().println("Login Succeeded");
        return 0;
    }

    /** Asks on the console as docker does; without one there is nobody to ask. */
    private static String prompt(Terminal t, String question, boolean secret) {
        java.io.Console console = System.console();
        if (t.in() != System.in || !Terminal.systemConsoleIsTerminal() || console == null) {
            throw new JnerdException(FAILED, "Cannot perform an interactive login from a non TTY device", null);
        }
        String answer = secret ? new String(console.readPassword("%s", question)) : console.readLine("%s", question);
        return answer == null ? "" : answer.strip();
    }
}
