package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.engine.network.ContainerContext;
import io.jnerd.engine.network.NetworkAttacher;
import io.jnerd.engine.network.NetworkAttachers;
import io.jnerd.engine.network.NetworkKeeper;
import io.jnerd.nativebindings.Signals;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdUnavailableException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnerd network-keeper}: not for users. {@code jnerd run -d} starts it to hold the
 * network of a detached container ({@link NetworkKeeper}); it speaks to that run over stdin
 * and stdout and logs to stderr.
 */
@Command(name = "network-keeper", hidden = true, description = "Hold a detached container's network (started by jnerd run -d)")
public final class NetworkKeeperCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--net", required = true, paramLabel = "MODE")
    String network;

    @Option(names = "--bypass-ignore", paramLabel = "CIDR")
    List<String> bypassIgnore = new ArrayList<>();

    @Option(names = "--bypassd-socket", paramLabel = "PATH")
    Path bypassdSocket;

    @Option(names = "--publish", paramLabel = "[IP:]HOST:CONTAINER/PROTO")
    List<String> publish = new ArrayList<>();

    @Option(names = "--id", required = true)
    String id;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--hostname", required = true)
    String hostname;

    @Option(names = "--state-dir", required = true)
    Path stateDir;

    @Option(names = "--network-dir", required = true)
    Path networkDir;

    @Option(names = "--rm", description = "remove the container once its init exited (needs --address, --state-root)")
    boolean remove;

    @Option(names = "--state-root")
    Path stateRoot;

    @Override
    public Integer call() throws Exception {
        PrintStream log = global().terminal().err();
        NetworkAttacher mode;
        List<PortMapping> ports = new ArrayList<>();
        try {
            BypassNetwork.Settings bypass = new BypassNetwork.Settings(bypassIgnore, Optional.ofNullable(bypassdSocket),
                    line -> log.println("network-keeper: " + line));
            mode = NetworkAttachers.resolve(network, Map.of(), Map.of(), bypass);
            for (String p : publish) {
                ports.addAll(PortMappingParser.parse(p));
            }
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        ContainerContext context = new ContainerContext(id, name, global().namespace(), hostname, stateDir,
                networkDir, ports);
        BufferedReader requests = new BufferedReader(new InputStreamReader(global().terminal().in(),
                StandardCharsets.UTF_8));
        Runnable afterExit = remove ? () -> removeContainer(log) : () -> { };
        return new NetworkKeeper(mode, context, requests, global().terminal().out(), log, afterExit).run();
    }

    /** --rm: deletes the exited task (recording its status), the container, its snapshot and state. */
    private void removeContainer(PrintStream log) {
        try (Containerd containerd = global().connect()) {
            Containers containers = new Containers(containerd);
            containers.stop(id, Signals.SIGKILL, 10);
            containers.get(id).ifPresent(c -> containers.remove(c, stateRoot));
        } catch (RuntimeException | ContainerdUnavailableException e) {
            log.println("network-keeper: removing container " + id + ": " + e.getMessage());
        }
    }
}
