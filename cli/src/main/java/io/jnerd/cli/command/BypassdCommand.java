package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.netns.bypassd.BypassdSocket;
import io.jnerd.netns.bypassd.BypassDaemon;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code jnerd bypassd}: the bypass4netnsd REST API in the foreground, for nerdctl
 * ({@code --annotation nerdctl/bypass4netns=true}) and for {@code jnerd run}, until SIGTERM
 * or SIGINT, which remove the socket and leave the bypasses to the next {@code jnerd bypassd}
 * (the containers' notified calls wait meanwhile).
 */
@Command(name = "bypassd", description = "Serve the bypass4netnsd API (for nerdctl and jnerd run) until SIGTERM/SIGINT")
public final class BypassdCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "unix socket (default: $XDG_RUNTIME_DIR/bypass4netnsd.sock, where nerdctl looks; "
                    + "as root without XDG_RUNTIME_DIR: /run/jnerd/bypass4netnsd.sock)")
    Path socket;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream err = global().terminal().err();
        // Refused before the socket exists: nerdctl then says bypassd is not running, rather
        // than every container's connects failing.
        io.jnerd.nativebindings.KernelFeatures.Feature kernel = io.jnerd.nativebindings.KernelFeatures.bypass4netns();
        if (!kernel.available()) {
            throw new JnerdException("bypass4netns is unavailable: " + kernel.reason());
        }
        Path path;
        try {
            path = socket != null ? socket : BypassdSocket.resolve(global().terminal().env(), ContainerdAddress.isRoot());
        } catch (IllegalStateException e) {
            throw new JnerdException(e.getMessage());
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        // Clients' agent sockets and pid files: under the runtime dir (the socket's, and
        // XDG_RUNTIME_DIR) or jnerd's own state dir, where jnerd run puts them.
        List<Path> clientDirs = new ArrayList<>();
        String xdg = global().terminal().env().get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty()) {
            clientDirs.add(Path.of(xdg));
        }
        clientDirs.add(global().stateDir());
        BypassDaemon daemon = new BypassDaemon(err::println, clientDirs, global().terminal().env());
        // SIGTERM/SIGINT end the serving loop, the socket goes and the exit status is 0 (a
        // shutdown hook would leave the JVM's 128+signal status). The bypasses stay: their
        // state and listeners are kept for the next bypassd, which takes them over.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                try {
                    daemon.detach();
                } catch (IOException e) {
                    err.println("bypassd: stopping: " + e.getMessage());
                }
            });
        }
        daemon.run(path);
        return 0;
    }
}
