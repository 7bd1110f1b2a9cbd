package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.Json;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the resident network keeper needs to make one container's network in its own
 * process, as {@code jnerd run} would: the container's {@link ContainerContext}, the mode
 * with its settings ({@link NetworkAttacher#keeperFlags()}), and whether it removes the
 * container once it exited ({@code run -d --rm}). One JSON line on the keeper's socket,
 * also kept in the keeper's held dir so that a keeper started after one was killed can
 * take the container over.
 *
 * @param flags the mode's keeper flags ({@code --net=MODE}, {@code --bypass-ignore=CIDR}, {@code --bypassd-socket=PATH})
 * @param ports the published ports, docker's {@code -p} spelling, every free port already chosen
 */
public record KeeperRequest(String namespace, String id, String name, String hostname, Path stateDir,
                            Path networkDir, List<String> flags, List<String> ports, boolean remove) {
    private static final String NET = "--net=";
    private static final String IGNORE = "--bypass-ignore=";
    private static final String BYPASSD = "--bypassd-socket=";

    public KeeperRequest {
        flags = List.copyOf(flags);
        ports = List.copyOf(ports);
    }

    static KeeperRequest of(ContainerContext context, NetworkAttacher mode, boolean remove) {
        return new KeeperRequest(context.namespace(), context.id(), context.name(), context.hostname(),
                context.stateDir(), context.networkDir(), mode.keeperFlags(),
                context.ports().stream().map(PortMapping::toString).toList(), remove);
    }

    /** The mode as jnerd run resolved it; {@code log} gets its bypass events. */
    NetworkAttacher mode(Consumer<String> log) {
        return mode(flags, log);
    }

    /**
     * The mode that {@link NetworkAttacher#keeperFlags()} describe.
     *
     * @throws IllegalArgumentException one line naming what was wrong
     */
    static NetworkAttacher mode(List<String> flags, Consumer<String> log) {
        String net = null;
        List<String> ignore = new ArrayList<>();
        Optional<Path> bypassd = Optional.empty();
        for (String f : flags) {
            if (f.startsWith(NET)) {
                net = f.substring(NET.length());
            } else if (f.startsWith(IGNORE)) {
                ignore.add(f.substring(IGNORE.length()));
            } else if (f.startsWith(BYPASSD)) {
                bypassd = Optional.of(Path.of(f.substring(BYPASSD.length())));
            } else {
                throw new IllegalArgumentException("unknown network flag " + f);
            }
        }
        if (net == null) {
            throw new IllegalArgumentException("no --net in the request");
        }
        return NetworkAttachers.resolve(net, Map.of(), Map.of(), new BypassNetwork.Settings(ignore, bypassd, log));
    }

    ContainerContext context() {
        List<PortMapping> mappings = new ArrayList<>();
        ports.forEach(p -> mappings.addAll(PortMappingParser.parse(p)));
        return new ContainerContext(id, name, namespace, hostname, stateDir, networkDir, mappings);
    }

    /** The {@code --net} value. */
    String net() {
        return flags.stream().filter(f -> f.startsWith(NET)).map(f -> f.substring(NET.length())).findFirst().orElse("");
    }

    String toJson() {
        ObjectNode o = Json.object();
        o.put("namespace", namespace).put("id", id).put("name", name).put("hostname", hostname)
                .put("stateDir", stateDir.toString()).put("networkDir", networkDir.toString()).put("remove", remove);
        flags.forEach(o.putArray("flags")::add);
        ports.forEach(o.putArray("ports")::add);
        return new String(Json.bytes(o), StandardCharsets.UTF_8);
    }

    /**
     * @throws IllegalArgumentException one line naming what was wrong (the socket is garbage-proof:
     *         a same-user client may still send anything)
     */
    static KeeperRequest parse(String json) {
        JsonNode o = Json.parse(json.getBytes(StandardCharsets.UTF_8), "the keep request");
        if (!o.isObject()) {
            throw new IllegalArgumentException("the keep request is not a JSON object");
        }
        String id = text(o, "id");
        if (!id.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the keep request's id is not a container ID");
        }
        KeeperRequest r = new KeeperRequest(text(o, "namespace"), id, text(o, "name"), text(o, "hostname"),
                absolute(o, "stateDir"), absolute(o, "networkDir"), strings(o, "flags"), strings(o, "ports"),
                o.path("remove").asBoolean(false));
        r.context();
        return r;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("the keep request has no " + field);
        }
        return v.asText();
    }

    private static Path absolute(JsonNode o, String field) {
        Path p = Path.of(text(o, field));
        if (!p.isAbsolute() || !p.normalize().equals(p)) {
            throw new IllegalArgumentException("the keep request's " + field + " is not an absolute, normal path");
        }
        return p;
    }

    private static List<String> strings(JsonNode o, String field) {
        JsonNode v = o.path(field);
        if (!v.isArray()) {
            throw new IllegalArgumentException("the keep request's " + field + " is not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : (ArrayNode) v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("the keep request's " + field + " holds a non-string");
            }
            out.add(e.asText());
        }
        return out;
    }
}
