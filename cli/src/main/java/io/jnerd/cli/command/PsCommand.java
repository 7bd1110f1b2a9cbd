package io.jnerd.cli.command;

import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd ps}: containers, docker's columns; running only unless -a. */
@Command(name = "ps", description = "List containers")
public final class PsCommand extends ContainerdCommand {
    @Option(names = {"-a", "--all"}, description = "show all containers (default: running only)")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "only IDs")
    boolean quiet;

    @Option(names = "--no-trunc", description = "do not truncate IDs and commands")
    boolean noTrunc;

    @Override
    int call(Containerd containerd) {
        Containers containers = new Containers(containerd);
        List<String[]> rows = new ArrayList<>();
        List<Container> list = new ArrayList<>(containers.list());
        list.sort(Comparator.comparing((Container c) -> c.getCreatedAt().getSeconds()).reversed());
        for (Container c : list) {
            Optional<Process> task = containers.task(c.getId());
            boolean running = task.isPresent() && task.get().getStatus() == Status.RUNNING;
            if (!all && !running) {
                continue;
            }
            String id = noTrunc ? c.getId() : c.getId().substring(0, Math.min(12, c.getId().length()));
            if (quiet) {
                terminal().out().println(id);
                continue;
            }
            rows.add(new String[] {id, familiar(c.getImage()), command(c), Times.ago(c.getCreatedAt()),
                    status(task, c), c.getLabelsMap().getOrDefault(ContainerLabels.NAME, "")});
        }
        if (!quiet) {
            Table.print(terminal().out(), new String[] {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"}, rows);
        }
        return 0;
    }

    private String command(Container c) {
        List<String> args = ContainerSpecs.args(c);
        String cmd = String.join(" ", args);
        if (!noTrunc && cmd.length() > 20) {
            cmd = cmd.substring(0, 19) + "…";
        }
        return "\"" + cmd + "\"";
    }

    private static String status(Optional<Process> task, Container c) {
        if (task.isEmpty()) {
            String exit = c.getLabelsMap().get(ContainerLabels.EXIT_CODE);
            return exit == null ? "Created" : "Exited (" + exit + ")";
        }
        switch (task.get().getStatus()) {
            case RUNNING:
                return "Up";
            case STOPPED:
                return "Exited (" + task.get().getExitStatus() + ")";
            case PAUSED:
                return "Paused";
            default:
                return "Created";
        }
    }

    private static String familiar(String image) {
        try {
            return ImageRef.parse(image).familiar();
        } catch (IllegalArgumentException e) {
            return image;
        }
    }
}
