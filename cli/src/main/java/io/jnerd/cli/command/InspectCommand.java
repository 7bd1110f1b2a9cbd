package io.jnerd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd inspect}: containers (or, failing that, images) as JSON. */
@Command(name = "inspect", description = "Show details of containers or images as JSON")
public final class InspectCommand extends ContainerdCommand {
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "a Go-style template per object: {{.Id}}, {{.State.Running}}, {{json .Config}}, ...")
    String format;

    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    void validate() {
        if (format != null) {
            OutputFormat.parse(format, "{{json .}}", Map.of());
        }
    }

    @Override
    int call(Containerd containerd) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        Containers containers = new Containers(containerd);
        for (String name : names) {
            try {
                out.add(container(containers, containers.find(name)));
            } catch (JnerdException notContainer) {
                ImageService images = new ImageService(containerd);
                if (images.get(ImageService.normalize(name)).isEmpty()) {
                    throw new JnerdException("no such container or image: " + name);
                }
                out.add(image(images.resolve(name, Platform.host())));
            }
        }
        if (format != null) {
            List<JsonNode> objects = new ArrayList<>();
            out.forEach(objects::add);
            OutputFormat.parse(format, "{{json .}}", Map.of()).printNodes(terminal().out(), objects);
        } else {
            terminal().out().println(Json.pretty(out));
        }
        return 0;
    }

    private static ObjectNode container(Containers containers, Container c) {
        ObjectNode n = Json.object();
        n.put("Id", c.getId());
        n.put("Name", c.getLabelsMap().getOrDefault(ContainerLabels.NAME, ""));
        n.put("Image", c.getImage());
        n.put("Created", Instant.ofEpochSecond(c.getCreatedAt().getSeconds(), c.getCreatedAt().getNanos()).toString());
        ObjectNode state = n.putObject("State");
        Optional<Process> task = containers.task(c.getId());
        state.put("Status", PsCommand.state(task, c));
        state.put("Running", Containers.isRunning(task));
        state.put("Pid", task.map(Process::getPid).orElse(0));
        state.put("ExitCode", task.map(Process::getExitStatus)
                .orElse(Integer.parseInt(c.getLabelsMap().getOrDefault(ContainerLabels.EXIT_CODE, "0"))));
        n.put("Snapshotter", c.getSnapshotter());
        n.put("SnapshotKey", c.getSnapshotKey());
        n.put("Runtime", c.getRuntime().getName());
        ObjectNode labels = n.putObject("Labels");
        c.getLabelsMap().forEach(labels::put);
        n.put("LogPath", c.getLabelsMap().getOrDefault(ContainerLabels.LOG, ""));
        n.set("Spec", ContainerSpecs.spec(c));
        return n;
    }

    private static ObjectNode image(ResolvedImage image) {
        ObjectNode n = Json.object();
        n.put("Id", image.configDescriptor().digest());
        n.putArray("RepoTags").add(image.name());
        n.put("Target", image.target().digest());
        n.put("Manifest", image.manifest().digest());
        n.put("ChainId", image.chainId());
        n.set("Config", image.config());
        return n;
    }
}
