package io.jnerd.cli.command;

import io.jnerd.api.Daemon;
import io.jnerd.api.EngineRoutes;
import io.jnerd.cli.Main;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.RunningTasks;
import io.jnerd.netns.bypassd.BypassdSocket;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code jnerd daemon}: the Docker Engine API on a unix socket, in the foreground, until
 * SIGTERM or SIGINT. Here {@code -H}/{@code --host unix://PATH} is where it listens (as
 * dockerd's -H; default $XDG_RUNTIME_DIR/jnerd/docker.sock, as root /run/jnerd/docker.sock);
 * containerd is {@code --address} or CONTAINERD_ADDRESS, the namespace as for every command.
 */
@Command(name = "daemon", description = "Serve the Docker Engine API on a unix socket (DOCKER_HOST=unix://PATH) "
        + "until SIGTERM/SIGINT")
public final class DaemonCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--group", paramLabel = "GROUP", description = "make the socket 0660 for this group (default: 0600)")
    String group;

    @Override
    public Integer call() throws Exception {
        PrintStream err = terminal().err();
        if (global().host() != null) {
            try {
                // Bad input is refused before containerd is asked anything.
                Daemon.socketPath(global().host(), terminal().env());
            } catch (IOException e) {
                throw new JnerdException(e.getMessage());
            }
        }
        try (Containerd containerd = global().connectByAddress();
                RunningTasks running = RunningTasks.follow(containerd, err::println);
                Daemon daemon = start(containerd, running, err)) {
            if (group != null) {
                daemon.shareWith(group);
            }
            // SIGTERM/SIGINT end the wait: the socket goes and the exit status is 0 (a
            // shutdown hook would leave the JVM's 128+signal status).
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), sig -> {
                    try {
                        daemon.close();
                    } catch (IOException e) {
                        err.println("jnerd daemon: stopping: " + e.getMessage());
                    }
                });
            }
            daemon.await();
        }
        return 0;
    }

    private Daemon start(Containerd containerd, RunningTasks running, PrintStream err) {
        try {
            return Daemon.start(global().host(), terminal().env(), VersionCommand.jnerdVersion(),
                    EngineRoutes.summary(containerd, running, global().stateDir().toString(), !ContainerdAddress.isRoot()),
                    global().debug(), err::println, api -> EngineRoutes.register(api, containerd, terminal().env(), global().snapshotter(),
                            global().stateDir(), BypassdSocket.find(terminal().env(), ContainerdAddress.isRoot()),
                            Main.class.getName(), err::println, running));
        } catch (IOException e) {
            throw new JnerdException(e.getMessage());
        }
    }
}
