package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.registry.RegistryException;
import io.jnerd.engine.registry.RegistryLogin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnerd logout [SERVER]}: docker's logout — the saved credentials forgotten (none saved is no error). */
@Command(name = "logout", description = "Log out from a registry (default: Docker Hub)")
public final class LogoutCommand extends Subcommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "registry HOST[:PORT]")
    String server;

    @Override
    public Integer call() {
        try {
            String domain = RegistryLogin.domain(server);
            terminal().out().println("Removing login credentials for " + RegistryLogin.serverKey(domain));
            RegistryLogin.logout(domain, terminal().env());
        } catch (IllegalArgumentException | RegistryException e) {
            throw new JnerdException(1, e.getMessage(), null);
        }
        return 0;
    }
}
