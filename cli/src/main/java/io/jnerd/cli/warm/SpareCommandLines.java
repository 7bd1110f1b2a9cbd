package io.jnerd.cli.warm;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import picocli.CommandLine;

/**
 * Fresh picocli command trees made ahead of the commands that use them. Building jnerd's
 * tree from its annotations is most of what a warm {@code ps} costs the server (~18 of its
 * 20 ms of CPU here, as much as {@code --help}); each command still gets a tree of its own
 * (commands keep state in their fields), but it was built while the server was idle.
 */
final class SpareCommandLines {
    /** A command tree and its top command, used once. */
    record Tree(JnerdCommand top, CommandLine cmd) {
        static Tree fresh() {
            JnerdCommand top = new JnerdCommand();
            return new Tree(top, Main.commandLine(top));
        }
    }

    private final BlockingQueue<Tree> spares = new ArrayBlockingQueue<>(2);
    private final Thread builder = new Thread(this::build, "jnerd-warm-spare-trees");

    SpareCommandLines() {
        builder.setDaemon(true);
        builder.start();
    }

    /** A spare tree, or a new one when a burst of commands used them up. */
    Tree take() {
        Tree spare = spares.poll();
        return spare != null ? spare : Tree.fresh();
    }

    private void build() {
        try {
            while (true) {
                spares.put(Tree.fresh());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
