package io.jnerd.cli.command;

import com.google.protobuf.Timestamp;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.PortMapping;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd ps}: containers, docker's columns and wording; running only unless -a or a status filter. */
@Command(name = "ps", description = "List containers")
public final class PsCommand extends ContainerdCommand {
    static final String DEFAULT_FORMAT =
            "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    /** Every field --format knows, with its column header (docker's). */
    static final Map<String, String> FIELDS = fields();

    @Option(names = {"-a", "--all"}, description = "show all containers (default: running only)")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "only IDs")
    boolean quiet;

    @Option(names = "--no-trunc", description = "do not truncate IDs and commands")
    boolean noTrunc;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "label=KEY[=VALUE], name=REGEX, status=created|running|paused|exited, id=PREFIX")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "a Go-style template ({{.ID}}, {{.Names}}, {{.Image}}, {{.Status}}, {{.Ports}}, ...), "
                    + "'table TEMPLATE', or 'json'")
    String format;

    private static Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("ID", "CONTAINER ID");
        f.put("Image", "IMAGE");
        f.put("Command", "COMMAND");
        f.put("CreatedAt", "CREATED AT");
        f.put("RunningFor", "CREATED");
        f.put("Status", "STATUS");
        f.put("State", "STATE");
        f.put("Ports", "PORTS");
        f.put("Names", "NAMES");
        f.put("Labels", "LABELS");
        f.put("Networks", "NETWORKS");
        return f;
    }

    /** A container as listed: containerd's record and its row. */
    private record Listed(Container container, Map<String, String> row) {}

    private static final Map<String, BiPredicate<Listed, String>> FILTERS = Map.of(
            "label", (l, v) -> ListFilter.label(l.container().getLabelsMap(), v),
            "name", (l, v) -> Pattern.compile(v).matcher(l.row().get("Names")).find(),
            "status", (l, v) -> l.row().get("State").equals(v),
            "id", (l, v) -> l.container().getId().startsWith(v));

    @Override
    void validate() {
        OutputFormat.parse(format, DEFAULT_FORMAT, FIELDS);
        ListFilter.parse(filters, FILTERS);
    }

    @Override
    int call(Containerd containerd) {
        Containers containers = new Containers(containerd);
        ListFilter<Listed> filter = ListFilter.parse(filters, FILTERS);
        Instant now = Instant.now();
        List<Container> list = new ArrayList<>(containers.list());
        list.sort(Comparator.comparing((Container c) -> c.getCreatedAt().getSeconds()).reversed());
        List<Map<String, String>> rows = new ArrayList<>();
        for (Container c : list) {
            Listed listed = new Listed(c, row(c, containers.task(c.getId()), now));
            boolean shown = all || filter.has("status") || listed.row().get("State").equals("running");
            if (shown && filter.matches(listed)) {
                rows.add(listed.row());
            }
        }
        if (quiet) {
            rows.forEach(r -> terminal().out().println(r.get("ID")));
            return 0;
        }
        OutputFormat.parse(format, DEFAULT_FORMAT, FIELDS).print(terminal().out(), rows);
        return 0;
    }

    private Map<String, String> row(Container c, Optional<Process> task, Instant now) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("ID", noTrunc ? c.getId() : c.getId().substring(0, Math.min(12, c.getId().length())));
        row.put("Image", familiar(c.getImage()));
        row.put("Command", command(c));
        row.put("CreatedAt", Instant.ofEpochSecond(c.getCreatedAt().getSeconds()).toString());
        row.put("RunningFor", Times.ago(c.getCreatedAt(), now));
        row.put("Status", status(task, c, now));
        row.put("State", state(task, c));
        row.put("Ports", ports(Containers.publishedPorts(c)));
        row.put("Names", c.getLabelsMap().getOrDefault(ContainerLabels.NAME, ""));
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(c.getLabelsMap()).forEach((k, v) -> pairs.add(k + "=" + v));
        row.put("Labels", String.join(",", pairs));
        row.put("Networks", c.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, ""));
        return row;
    }

    private String command(Container c) {
        String cmd = String.join(" ", ContainerSpecs.args(c));
        String ellipsis = terminal().glyphs().ellipsis();
        if (!noTrunc && cmd.length() > 20) {
            cmd = cmd.substring(0, 20 - ellipsis.length()) + ellipsis;
        }
        return "\"" + cmd + "\"";
    }

    /** docker's PORTS: {@code 0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp}. */
    static String ports(List<PortMapping> ports) {
        List<String> shown = new ArrayList<>();
        for (PortMapping p : ports) {
            shown.add(hostAddress(p) + "->" + p.containerPort() + "/" + p.protocol().wireName());
        }
        return String.join(", ", shown);
    }

    /** Where on the host the port is published: {@code 127.0.0.1:8080}, all addresses as {@code 0.0.0.0}. */
    static String hostAddress(PortMapping p) {
        return p.hostIp().map(IpLiteral::format).orElse("0.0.0.0") + ":" + p.hostPort();
    }

    /** docker's State: created, running, paused, exited. */
    static String state(Optional<Process> task, Container c) {
        if (task.isEmpty()) {
            return c.getLabelsMap().containsKey(ContainerLabels.EXIT_CODE) ? "exited" : "created";
        }
        switch (task.get().getStatus()) {
            case RUNNING:
                return "running";
            case PAUSED:
            case PAUSING:
                return "paused";
            case STOPPED:
                return "exited";
            default:
                return "created";
        }
    }

    /**
     * docker's Status: "Up 3 seconds", "Up 2 hours (Paused)", "Exited (0) 2 minutes ago",
     * "Created". A running container is up since its last start, or its creation (run creates
     * and starts at once); an exited one whose task is gone ended when its exit status was recorded, the
     * container's last update.
     */
    static String status(Optional<Process> task, Container c, Instant now) {
        String up = "Up " + Times.human(Times.since(started(c), now));
        switch (state(task, c)) {
            case "running":
                return up;
            case "paused":
                return up + " (Paused)";
            case "exited":
                if (task.isPresent()) {
                    return "Exited (" + task.get().getExitStatus() + ") " + Times.ago(task.get().getExitedAt(), now);
                }
                return "Exited (" + c.getLabelsMap().get(ContainerLabels.EXIT_CODE) + ") "
                        + Times.ago(c.getUpdatedAt(), now);
            default:
                return "Created";
        }
    }

    /** The last start's time, or the creation's (also for a label that is not a time: run -l can set any). */
    private static Timestamp started(Container c) {
        try {
            Instant at = Instant.parse(c.getLabelsMap().getOrDefault(ContainerLabels.STARTED_AT, ""));
            return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).build();
        } catch (DateTimeParseException notStartedAgain) {
            return c.getCreatedAt();
        }
    }

    static String familiar(String image) {
        try {
            return ImageRef.parse(image).familiar();
        } catch (IllegalArgumentException e) {
            return image;
        }
    }
}
