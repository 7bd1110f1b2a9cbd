package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerExec;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.ExecInstance;
import io.jnerd.engine.container.ExecInstances;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.RawStream;
import io.jnerd.http.Router;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * docker exec: create an instance ({@code POST /containers/{id}/exec}), start it hijacked (moby's
 * {@code 101 UPGRADED}; multiplexed frames without a TTY, raw bytes with one) or detached,
 * inspect it for its exit code, resize its TTY. The engine's {@link ExecInstances} decide.
 */
public final class ExecRoutes {

    private final ExecInstances execs;
    private final Containers containers;

    public ExecRoutes(ExecInstances execs, Containers containers) {
        this.execs = execs;
        this.containers = containers;
    }

    public void register(Router router) {
        router.add("POST", "/containers/{id}/exec", this::create)
                .add("POST", "/exec/{id}/start", this::start)
                .add("GET", "/exec/{id}/json", this::inspect)
                .add("POST", "/exec/{id}/resize", this::resize);
    }

    /** moby's ExecConfig: Cmd, Env, User, WorkingDir, Tty, AttachStdin/Stdout/Stderr, Privileged. */
    private HttpResponse create(HttpRequest request, Map<String, String> params) {
        Container c;
        try {
            c = containers.find(params.get("id"));
        } catch (JnerdException e) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        JsonNode body;
        try {
            body = Responses.mapper().readTree(request.body());
        } catch (IOException e) {
            return Responses.error(400, "invalid exec config: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return Responses.error(400, "invalid exec config: not a JSON object");
        }
        if (body.path("Privileged").asBoolean(false)) {
            return Responses.error(400, "jnerd does not run privileged exec processes: an exec gets no more than"
                    + " its container's own process has");
        }
        List<String> cmd = strings(body.path("Cmd"));
        if (cmd.isEmpty()) {
            return Responses.error(400, "No exec command specified");
        }
        String user = body.path("User").asText("");
        String workdir = body.path("WorkingDir").asText("");
        ContainerExec.ExecSpec spec = new ContainerExec.ExecSpec(cmd, body.path("AttachStdin").asBoolean(false),
                body.path("Tty").asBoolean(false), false, strings(body.path("Env")),
                user.isEmpty() ? Optional.empty() : Optional.of(user),
                workdir.isEmpty() ? Optional.empty() : Optional.of(workdir));
        ExecInstance instance;
        try {
            instance = execs.create(c, spec);
        } catch (JnerdException e) {
            return Responses.error(409, e.getMessage());
        }
        ObjectNode o = Responses.mapper().createObjectNode().put("Id", instance.id());
        return Responses.json(201, o);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * {@code Detach}: started without stdio, 200 and no body. Otherwise the connection is
     * hijacked; a start that fails says why in the stream (as moby writes it, on stdout) and
     * leaves 126/127 for inspect, which docker exec reads for its exit code.
     */
    private HttpResponse start(HttpRequest request, Map<String, String> params) {
        Optional<ExecInstance> found = execs.get(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such exec instance: " + params.get("id"));
        }
        ExecInstance instance = found.get();
        JsonNode body;
        try {
            body = request.body().length == 0 ? Responses.mapper().createObjectNode()
                    : Responses.mapper().readTree(request.body());
        } catch (IOException e) {
            return Responses.error(400, "invalid exec start config: " + e.getMessage());
        }
        try {
            instance.claim();
        } catch (JnerdException e) {
            return Responses.error(409, e.getMessage());
        }
        if (body.path("Detach").asBoolean(false)) {
            try {
                instance.startDetached();
            } catch (JnerdException e) {
                return Responses.error(e.exitCode() == 127 || e.exitCode() == 126 ? 400 : 500, e.getMessage());
            }
            return HttpResponse.empty(200);
        }
        boolean tty = instance.spec().tty();
        String type = !tty && ApiVersion.compare(DockerApi.apiVersion(request), "1.42") >= 0
                ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream";
        return HttpResponse.hijack(200, type, raw -> run(instance, raw, tty));
    }

    private static void run(ExecInstance instance, RawStream raw, boolean tty) throws IOException {
        OutputStream stdout = tty ? raw.output() : new MultiplexedStream(raw.output(), MultiplexedStream.STDOUT);
        OutputStream stderr = tty ? raw.output() : new MultiplexedStream(raw.output(), MultiplexedStream.STDERR);
        try {
            instance.run(instance.spec().interactive() ? raw.input() : null, stdout, stderr, () -> {
                if (raw.clientGone()) {
                    throw new IOException("the client closed the connection");
                }
            });
        } catch (JnerdException e) {
            stdout.write((e.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** moby's ExecInspect: what docker exec, docker-java and Testcontainers read. */
    private HttpResponse inspect(HttpRequest request, Map<String, String> params) {
        Optional<ExecInstance> found = execs.get(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such exec instance: " + params.get("id"));
        }
        ExecInstance instance = found.get();
        ExecInstance.State state = instance.state();
        ContainerExec.ExecSpec spec = instance.spec();
        ObjectNode o = Responses.mapper().createObjectNode();
        o.put("ID", instance.id()).put("Running", state.running());
        if (state.exitCode().isPresent()) {
            o.put("ExitCode", state.exitCode().getAsInt());
        } else {
            o.putNull("ExitCode");
        }
        ObjectNode process = o.putObject("ProcessConfig");
        process.put("tty", spec.tty()).put("entrypoint", spec.args().get(0));
        spec.args().stream().skip(1).forEach(process.putArray("arguments")::add);
        if (!process.has("arguments")) {
            process.putArray("arguments");
        }
        process.put("privileged", false).put("user", spec.user().orElse(""));
        o.put("OpenStdin", spec.interactive()).put("OpenStderr", true).put("OpenStdout", true)
                .put("CanRemove", false).put("ContainerID", instance.containerId()).put("DetachKeys", "")
                .put("Pid", state.pid());
        return Responses.json(200, o);
    }

    /** {@code h} and {@code w}: the TTY's rows and columns. */
    private HttpResponse resize(HttpRequest request, Map<String, String> params) throws InterruptedException {
        Optional<ExecInstance> found = execs.get(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such exec instance: " + params.get("id"));
        }
        int rows;
        int columns;
        try {
            rows = Integer.parseInt(String.valueOf(request.query("h")));
            columns = Integer.parseInt(String.valueOf(request.query("w")));
        } catch (NumberFormatException e) {
            return Responses.error(400, "invalid resize: h and w must be numbers");
        }
        if (rows < 0 || columns < 0 || rows > 0xffff || columns > 0xffff) {
            return Responses.error(400, "invalid resize: h and w must be 0..65535");
        }
        try {
            found.get().resize(columns, rows);
        } catch (JnerdException e) {
            return Responses.error(409, e.getMessage());
        }
        return HttpResponse.empty(200);
    }
}
