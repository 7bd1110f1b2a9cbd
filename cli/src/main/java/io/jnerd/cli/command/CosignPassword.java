package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.JnerdException;
import java.io.Console;
import java.util.Arrays;

/** The password of a cosign private key, as cosign takes it: env COSIGN_PASSWORD, else asked on the terminal. */
final class CosignPassword {
    static final String ENV = "COSIGN_PASSWORD";

    private CosignPassword() {}

    static char[] read(Terminal terminal, boolean confirm) {
        String fromEnv = terminal.env().get(ENV);
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        Console console = System.console();
        if (console == null || !Terminal.systemConsoleIsTerminal()) {
            throw new JnerdException("no password for the private key: set " + ENV + " or run on a terminal");
        }
        char[] password = console.readPassword("Enter password for private key: ");
        if (password == null) {
            throw new JnerdException("no password for the private key: the terminal closed");
        }
        if (confirm && !Arrays.equals(password, console.readPassword("Enter password for private key again: "))) {
            throw new JnerdException("the passwords do not match");
        }
        return password;
    }
}
