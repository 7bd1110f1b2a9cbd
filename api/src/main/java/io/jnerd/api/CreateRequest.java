package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.RunSpec;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.engine.network.NetworkAttachers;
import io.jnerd.mounts.MountOptions;
import io.jnerd.mounts.MountRequest;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.proto.ContainerdAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST /containers/create} (moby's Config with HostConfig) as the engine's
 * {@link RunSpec}: the fields the docker CLI and docker-java send for what jnerd runs.
 * Anything wrong is one line for moby's 400.
 */
final class CreateRequest {

    private CreateRequest() {}

    /**
     * @param name the {@code name} query parameter (null: none)
     * @param bypass what a bypass4netns network uses
     * @throws JnerdException what was wrong with the body
     */
    static RunSpec parse(JsonNode body, String name, BypassNetwork.Settings bypass) {
        String image = body.path("Image").asText("");
        if (image.isEmpty()) {
            throw new JnerdException("no image given: Config.Image is empty");
        }
        if (name != null && !name.isEmpty() && !name.matches("/?[a-zA-Z0-9][a-zA-Z0-9_.-]+")) {
            // moby's restriction: the name shows in ps and is matched in filters; nothing else in it.
            throw new JnerdException("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        JsonNode host = body.path("HostConfig");
        RunSpec.Builder s = RunSpec.builder(image).command(strings(body.get("Cmd")));
        if (body.hasNonNull("Entrypoint")) {
            List<String> entrypoint = strings(body.get("Entrypoint"));
            // docker run --entrypoint "" sends [""]: no entrypoint at all (moby's rule).
            s.entrypoint(entrypoint.equals(List.of("")) ? List.of() : entrypoint);
        }
        strings(body.get("Env")).forEach(s::env);
        Map<String, String> labels = map(body.get("Labels"));
        Map<String, String> annotations = map(host.get("Annotations"));
        s.workdir(text(body, "WorkingDir")).user(text(body, "User")).hostname(text(body, "Hostname"))
                .name(name == null || name.isEmpty() ? null : name.startsWith("/") ? name.substring(1) : name)
                .labels(labels).annotations(annotations).readOnly(host.path("ReadonlyRootfs").asBoolean(false))
                .capabilities(strings(host.get("CapAdd")), strings(host.get("CapDrop")));
        if (host.path("Privileged").asBoolean(false)) {
            throw new JnerdException("jnerd does not run privileged containers");
        }
        securityOptions(s, strings(host.get("SecurityOpt")));
        String mode = host.path("NetworkMode").asText("");
        try {
            // docker's "default" and "bridge" are jnerd's default: slirp4netns, which needs no root.
            s.network(NetworkAttachers.resolve(mode.isEmpty() || mode.equals("default") || mode.equals("bridge")
                    ? null : mode, annotations, labels, bypass));
            s.ports(ports(host.path("PortBindings"), host.path("PublishAllPorts").asBoolean(false)
                    ? body.path("ExposedPorts") : null));
            s.mounts(binds(strings(host.get("Binds"))));
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        boolean openStdin = body.path("OpenStdin").asBoolean(false);
        JsonNode restart = host.path("RestartPolicy");
        String policy = restart.path("Name").asText("");
        int retries = restart.path("MaximumRetryCount").asInt(0);
        return s.tty(body.path("Tty").asBoolean(false)).interactive(openStdin)
                .stdinOnce(openStdin && body.path("StdinOnce").asBoolean(false))
                .remove(host.path("AutoRemove").asBoolean(false))
                .restart(policy.isEmpty() ? "no" : policy.equals("on-failure") && retries > 0 ? policy + ":" + retries : policy)
                // The daemon keeps every container's log. The client pulls: the daemon's "fetch" of a
                // missing image answers moby's 404 (RunRoutes), after one read of the image record.
                .detach(true).pull(RunSpec.PullPolicy.MISSING).rootless(!ContainerdAddress.isRoot()).build();
    }

    /**
     * PortBindings ({@code {"80/tcp": [{"HostIp": "", "HostPort": ""}]}}; an empty HostPort:
     * any free port), and with PublishAllPorts every ExposedPorts entry not bound on a free port.
     */
    private static List<PortMapping> ports(JsonNode bindings, JsonNode exposed) {
        List<PortMapping> ports = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = bindings.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode b : e.getValue()) {
                String ip = b.path("HostIp").asText("");
                String hostPort = b.path("HostPort").asText("");
                String address = ip.isEmpty() ? "" : (ip.contains(":") ? "[" + ip + "]" : ip) + ":";
                ports.addAll(PortMappingParser.parse(address + (hostPort.isEmpty() && ip.isEmpty() ? ""
                        : hostPort + ":") + e.getKey()));
            }
        }
        if (exposed != null) {
            for (Iterator<String> it = exposed.fieldNames(); it.hasNext(); ) {
                String port = it.next();
                if (!bindings.has(port)) {
                    ports.addAll(PortMappingParser.parse(port));
                }
            }
        }
        return ports;
    }

    /** HostConfig.Binds: docker's {@code -v SRC:DST[:OPTS]}, sources absolute (the client resolved them). */
    private static List<MountRequest> binds(List<String> binds) {
        List<MountRequest> requests = new ArrayList<>();
        for (String b : binds) {
            requests.add(MountOptions.parseVolume(b, Path.of("/")));
        }
        return requests;
    }

    private static void securityOptions(RunSpec.Builder s, List<String> options) {
        for (String opt : options) {
            // The CLI sends "seccomp=unconfined" as docker run spells it; moby also takes ':'.
            String o = opt.replaceFirst("^(seccomp|no-new-privileges):", "$1=");
            if (o.equals("seccomp=unconfined")) {
                s.seccomp(Optional.empty());
            } else if (o.equals("no-new-privileges") || o.equals("no-new-privileges=true")) {
                s.noNewPrivileges(true);
            } else if (o.equals("no-new-privileges=false")) {
                s.noNewPrivileges(false);
            } else {
                throw new JnerdException("unsupported security option '" + opt
                        + "' (seccomp=unconfined, no-new-privileges[=true|false])");
            }
        }
    }

    private static String text(JsonNode body, String field) {
        String v = body.path(field).asText("");
        return v.isEmpty() ? null : v;
    }

    /** A string list, or one string (API < 1.25 clients may send Cmd as a string: one argument then). */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
            return out;
        }
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }
}
