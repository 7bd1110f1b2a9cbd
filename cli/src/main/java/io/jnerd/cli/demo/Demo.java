package io.jnerd.cli.demo;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.JnerdException;

/** Chooses the demo's half: root prepares and hands over; a user measures against --target. */
public final class Demo {
    private Demo() {}

    public static int run(Terminal terminal, boolean root, String target, int seconds) throws Exception {
        if (root) {
            if (target != null) {
                throw new JnerdException("--target is for the unprivileged half: as root, jnerd demo makes its own test host");
            }
            return DemoAsRoot.run(terminal.out(), seconds);
        }
        if (target == null) {
            terminal.err().println("jnerd demo: the set-up needs root: run `sudo jnerd demo` (or, with a server of your own, "
                    + "`jnerd demo --target HOST:PORT`)");
            return 1;
        }
        if (target.lastIndexOf(':') < 1) {
            throw new JnerdException("--target must be HOST:PORT, not " + target);
        }
        return new DemoAsUser(terminal).run(target, seconds);
    }
}
