package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.ExitCodes;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerRunner;
import io.jnerd.engine.container.ContainerStarter;
import io.jnerd.engine.container.ContainerSupervisor;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.RunConsole;
import io.jnerd.engine.container.RunSpec;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What {@code docker run} and {@code start}/{@code restart} need: create, attach (hijacked
 * before the start), start, restart, resize. The engine's {@link ContainerSupervisor} does
 * the lifecycle; these parse and answer as moby does.
 */
final class RunRoutes {

    private final Containerd containerd;
    private final Containers containers;
    private final ContainerSupervisor supervisor;
    private final Path stateRoot;
    private final String snapshotter;
    private final BypassNetwork.Settings bypass;
    private final Consumer<String> log;

    RunRoutes(Containerd containerd, ContainerSupervisor supervisor, Path stateRoot, String snapshotter,
              BypassNetwork.Settings bypass, Consumer<String> log) {
        this.containerd = containerd;
        this.containers = new Containers(containerd);
        this.supervisor = supervisor;
        this.stateRoot = stateRoot;
        this.snapshotter = snapshotter;
        this.bypass = bypass;
        this.log = log;
    }

    void register(Router router) {
        router.add("POST", "/containers/create", this::create)
                .add("POST", "/containers/{id}/attach", this::attach)
                .add("POST", "/containers/{id}/start", this::start)
                .add("POST", "/containers/{id}/restart", this::restart)
                .add("POST", "/containers/{id}/resize", this::resize);
    }

    /** 201 {"Id", "Warnings"}; moby's 404 "No such image" for an image containerd lacks (the CLI then pulls it). */
    private HttpResponse create(HttpRequest request, Map<String, String> params) throws IOException {
        JsonNode body;
        try {
            body = Responses.mapper().readTree(request.body());
        } catch (IOException e) {
            return Responses.error(400, "invalid JSON in the create body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return Responses.error(400, "config cannot be empty in order to create a container");
        }
        RunSpec spec;
        try {
            spec = CreateRequest.parse(body, request.query("name"), bypass);
        } catch (JnerdException e) {
            return Responses.error(400, e.getMessage());
        }
        ContainerRunner runner = new ContainerRunner(containerd, RunConsole.withoutStdio(log), stateRoot, snapshotter,
                Platform.host(), ref -> {
                    throw new NoSuchImage();
                }, null);
        try {
            ObjectNode created = Responses.mapper().createObjectNode().put("Id", supervisor.create(spec, runner));
            created.putArray("Warnings");
            return Responses.json(201, created);
        } catch (NoSuchImage e) {
            return Responses.error(404, "No such image: " + spec.image());
        } catch (JnerdException e) {
            return Responses.error(e.getMessage().contains("already in use") ? 409 : 500, e.getMessage());
        }
    }

    /**
     * moby's attach: the connection hijacked (101 UPGRADED when asked), the container's
     * output multiplexed into 8-byte-header frames, raw with a TTY; stdin from the client.
     * The client joins the current run, or the next one (attached before its start).
     */
    private HttpResponse attach(HttpRequest request, Map<String, String> params) {
        Optional<Container> found = find(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        Container c = found.get();
        boolean tty = ContainerStarter.tty(c);
        boolean stream = ContainerRoutes.isTrue(request.query("stream"));
        HijackedStreams streams = new HijackedStreams();
        OutputStream raw = streams.output();
        OutputStream out = ContainerRoutes.isTrue(request.query("stdout"))
                ? (tty ? raw : new MultiplexedStream(raw, MultiplexedStream.STDOUT)) : null;
        OutputStream err = ContainerRoutes.isTrue(request.query("stderr")) && !tty
                ? new MultiplexedStream(raw, MultiplexedStream.STDERR) : null;
        CompletableFuture<Void> done = stream
                ? supervisor.attach(c.getId(), out, err,
                        ContainerRoutes.isTrue(request.query("stdin")) ? streams.input() : null)
                : CompletableFuture.completedFuture(null);
        String type = tty || ApiVersion.compare(DockerApi.apiVersion(request), "1.42") < 0
                ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
        return HttpResponse.hijack(200, type, connection -> {
            streams.bind(connection);
            done.get();
        });
    }

    /** 204; moby's 304 when it runs already; 400 for a command that cannot run (docker run exits 126/127), else 500. */
    private HttpResponse start(HttpRequest request, Map<String, String> params) throws Exception {
        Optional<Container> found = find(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        try {
            return supervisor.start(found.get()) ? HttpResponse.empty(204) : HttpResponse.empty(304);
        } catch (JnerdException e) {
            return Responses.error(e.exitCode() == ExitCodes.JNERD_ERROR ? 500 : 400, e.getMessage());
        }
    }

    /** 204 once stopped (SIGTERM, SIGKILL after t seconds, default 10) and started again. */
    private HttpResponse restart(HttpRequest request, Map<String, String> params) throws Exception {
        Optional<Container> found = find(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        int timeout;
        try {
            String t = request.query("t");
            timeout = t == null || t.isEmpty() ? 10 : Math.max(0, Integer.parseInt(t));
        } catch (NumberFormatException e) {
            return Responses.error(400, "invalid value for t: " + request.query("t"));
        }
        try {
            supervisor.restart(found.get(), timeout);
            return HttpResponse.empty(204);
        } catch (JnerdException e) {
            return Responses.error(e.exitCode() == ExitCodes.JNERD_ERROR ? 500 : 400, e.getMessage());
        }
    }

    /** The TTY's size (h rows, w columns); 200 as moby, also before the start (the next start's pty then). */
    private HttpResponse resize(HttpRequest request, Map<String, String> params) {
        Optional<Container> found = find(params.get("id"));
        if (found.isEmpty()) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        int h;
        int w;
        try {
            h = Integer.parseInt(request.query("h"));
            w = Integer.parseInt(request.query("w"));
        } catch (NumberFormatException e) {
            return Responses.error(400, "invalid h or w: " + request.query("h") + ", " + request.query("w"));
        }
        if (h < 0 || w < 0 || h > 65535 || w > 65535) {
            return Responses.error(400, "invalid terminal size " + w + "x" + h);
        }
        supervisor.resize(found.get().getId(), w, h);
        return HttpResponse.empty(200);
    }

    /** What the daemon's image "fetch" says: containerd lacks the image, and the client pulls it. */
    private static final class NoSuchImage extends IOException {
        private static final long serialVersionUID = 1L;

        NoSuchImage() {
            super("no such image");
        }
    }

    private Optional<Container> find(String ref) {
        return ContainerRoutes.find(containers, ref);
    }
}
