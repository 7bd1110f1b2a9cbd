package io.jnerd.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.ContainerLogs;
import io.jnerd.engine.container.ContainerStarter;
import io.jnerd.engine.container.ContainerSummary;
import io.jnerd.engine.container.ContainerSupervisor;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import io.jnerd.netns.PortMapping;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The container endpoints, over the engine's {@link Containers}. */
public final class ContainerRoutes {

    /** How long docker wait blocks on containerd before it looks whether its client is still there. */
    private static final Duration WAIT_STEP = Duration.ofSeconds(1);

    private final Containers containers;
    private final ContainerSupervisor supervisor;
    private final ImageService images;
    private final Path stateRoot;
    private final Optional<Path> bypassdSocket;

    /**
     * @param stateRoot jnerd's state dir (stdio, logs, network records), as jnerd run uses it
     * @param bypassdSocket where a bypassd that containers' networks may use listens
     */
    public ContainerRoutes(Containers containers, ContainerSupervisor supervisor, ImageService images, Path stateRoot,
            Optional<Path> bypassdSocket) {
        this.containers = containers;
        this.supervisor = supervisor;
        this.images = images;
        this.stateRoot = stateRoot;
        this.bypassdSocket = bypassdSocket;
    }

    public void register(Router router) {
        router.add("GET", "/containers/json", this::list)
                .add("POST", "/containers/{id}/stop", this::stop)
                .add("POST", "/containers/{id}/kill", this::kill)
                .add("DELETE", "/containers/{id}", this::remove)
                .add("POST", "/containers/{id}/wait", this::await)
                .add("GET", "/containers/{id}/json", this::inspect)
                .add("GET", "/containers/{id}/logs", this::logs);
    }

    /**
     * docker logs [-f]: a detached container's log as stdout frames (jnerd keeps one log for
     * both streams), followed while it runs with {@code follow}.
     */
    private HttpResponse logs(HttpRequest request, Map<String, String> params) {
        Optional<Container> c = find(params.get("id"));
        if (c.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        if (!isTrue(request.query("stdout")) && !isTrue(request.query("stderr"))) {
            return Responses.error(400, "Bad parameters: you must choose at least one stream");
        }
        if (!c.get().getLabelsMap().containsKey(ContainerLabels.LOG)) {
            return Responses.error(501, "container " + params.get("id")
                    + " was not started detached: jnerd keeps no log for it");
        }
        boolean follow = isTrue(request.query("follow"));
        String type = ApiVersion.compare(DockerApi.apiVersion(request), "1.42") >= 0
                ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream";
        return HttpResponse.stream(200, type, out -> {
            try {
                ContainerLogs.copy(containers, c.get(), params.get("id"), new MultiplexedStream(out,
                        MultiplexedStream.STDOUT), follow);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * docker wait: the head goes out at once (as moby's does), the body
     * {@code {"StatusCode": N}} once the container exited; a client that left meanwhile ends
     * the wait within a step. {@code condition}: not-running (the default; at once for one
     * that is not), next-exit (docker run registers it before the start), removed (docker run
     * --rm: after the daemon removed it).
     */
    private HttpResponse await(HttpRequest request, Map<String, String> params) {
        Optional<Container> c = find(params.get("id"));
        if (c.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        String id = c.get().getId();
        String condition = Optional.ofNullable(request.query("condition")).orElse("");
        CompletableFuture<Integer> exit;
        CompletableFuture<Void> removal;
        switch (condition) {
            case "", "not-running" -> {
                exit = null;
                removal = CompletableFuture.completedFuture(null);
            }
            case "next-exit" -> {
                exit = supervisor.nextExit(id);
                removal = CompletableFuture.completedFuture(null);
            }
            case "removed" -> {
                exit = supervisor.nextExit(id);
                removal = supervisor.removal(id);
            }
            default -> {
                return Responses.error(400, "invalid condition: \"" + condition + "\"");
            }
        }
        return HttpResponse.stream(200, "application/json", out -> {
            int status;
            if (exit == null) {
                OptionalInt s;
                while ((s = containers.awaitExit(id, WAIT_STEP)).isEmpty()) {
                    out.flush();
                }
                status = s.getAsInt();
            } else {
                status = awaitStep(exit, out);
                awaitStep(removal, out);
            }
            ObjectNode o = Responses.mapper().createObjectNode();
            o.put("StatusCode", Math.max(0, status)).putNull("Error");
            out.write((Responses.mapper().writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The future's value, flushing a step at a time (a flush throws once the client hung up). */
    private static <T> T awaitStep(CompletableFuture<T> f, java.io.OutputStream out) throws java.io.IOException {
        while (true) {
            try {
                return f.get(WAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for the container");
            } catch (ExecutionException e) {
                throw new java.io.IOException(e.getCause());
            }
        }
    }

    /** docker inspect: what the CLI's templates and docker-java read of moby's ContainerJSON. */
    private HttpResponse inspect(HttpRequest request, Map<String, String> params) {
        Optional<Container> found = find(params.get("id"));
        if (found.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        Container container = found.get();
        Optional<Process> task = containers.task(container.getId());
        ContainerSummary c = ContainerSummary.of(container, task);
        ObjectNode o = Responses.mapper().createObjectNode();
        o.put("Id", c.id()).put("Created", c.created().toString())
                .put("Path", c.command().isEmpty() ? "" : c.command().get(0));
        ArrayNode args = o.putArray("Args");
        c.command().stream().skip(1).forEach(args::add);
        boolean running = c.state().equals("running") || c.state().equals("paused");
        o.putObject("State").put("Status", c.state()).put("Running", running).put("Paused", c.state().equals("paused"))
                .put("Restarting", false).put("OOMKilled", false).put("Dead", false)
                .put("Pid", running ? task.get().getPid() : 0).put("ExitCode", Math.max(0, c.exitCode()))
                .put("Error", "");
        String imageId = images.get(c.image()).map(i -> i.getTarget().getDigest()).orElse("");
        o.put("Image", imageId).put("Name", "/" + name(c)).put("RestartCount",
                        Integer.parseInt(c.labels().getOrDefault(ContainerLabels.RESTART_COUNT, "0")))
                .put("Driver", container.getSnapshotter()).put("Platform", "linux");
        ImageRef ref = ImageRoutes.parse(c.image());
        ObjectNode config = o.putObject("Config");
        String stdin = c.labels().getOrDefault(ContainerLabels.STDIN, "");
        config.put("Hostname", ContainerStarter.hostname(container))
                .put("Image", ref == null ? c.image() : ref.familiar()).put("Tty", ContainerStarter.tty(container))
                .put("OpenStdin", !stdin.isEmpty()).put("StdinOnce", stdin.equals("once"));
        ArrayNode cmd = config.putArray("Cmd");
        c.command().forEach(cmd::add);
        config.set("Labels", Responses.mapper().valueToTree(c.labels()));
        ObjectNode hostConfig = o.putObject("HostConfig")
                .put("NetworkMode", c.labels().getOrDefault(ContainerLabels.NETWORK, "default"))
                .put("AutoRemove", "true".equals(c.labels().get(ContainerLabels.AUTO_REMOVE)));
        String restart = c.labels().getOrDefault(ContainerLabels.RESTART_POLICY, "no");
        int colon = restart.indexOf(':');
        hostConfig.putObject("RestartPolicy").put("Name", colon < 0 ? restart : restart.substring(0, colon))
                .put("MaximumRetryCount", colon < 0 ? 0 : Integer.parseInt(restart.substring(colon + 1)));
        ObjectNode network = o.putObject("NetworkSettings");
        network.putObject("Networks");
        ObjectNode ports = network.putObject("Ports");
        for (PortMapping p : Containers.publishedPorts(container)) {
            ((ArrayNode) ports.withArray(p.containerPort() + "/" + p.protocol().wireName())).addObject()
                    .put("HostIp", p.hostIp().map(InetAddress::getHostAddress).orElse("0.0.0.0"))
                    .put("HostPort", Integer.toString(p.hostPort()));
        }
        hostConfig.set("PortBindings", ports.deepCopy());
        o.putArray("Mounts");
        return Responses.json(200, o);
    }

    private static String name(ContainerSummary c) {
        return c.name().isEmpty() ? c.id().substring(0, Math.min(12, c.id().length())) : c.name();
    }

    /** docker stop: SIGTERM, SIGKILL after {@code t} seconds (default 10); moby's 304 when it was not running. */
    private HttpResponse stop(HttpRequest request, Map<String, String> params) {
        Optional<Container> c = find(params.get("id"));
        if (c.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        if (!Containers.isRunning(containers.task(c.get().getId()))) {
            return HttpResponse.empty(304);
        }
        int timeout;
        try {
            String t = request.query("t");
            timeout = t == null || t.isEmpty() ? 10 : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return Responses.error(400, "invalid value for t: " + request.query("t"));
        }
        containers.stopWithNetwork(c.get().getId(), Signals.SIGTERM, Math.max(0, timeout), stateRoot, bypassdSocket);
        return HttpResponse.empty(204);
    }

    /** docker kill: a signal (default SIGKILL) to a running container; moby's 409 for one that is not. */
    private HttpResponse kill(HttpRequest request, Map<String, String> params) {
        Optional<Container> c = find(params.get("id"));
        if (c.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        String name = request.query("signal");
        int signal = signal(name);
        if (signal < 0) {
            return Responses.error(400, "Invalid signal: " + name);
        }
        Optional<Process> task = containers.task(c.get().getId());
        if (task.isEmpty() || task.get().getStatus() != Status.RUNNING) {
            return Responses.error(409, "Container " + c.get().getId() + " is not running");
        }
        containers.kill(c.get().getId(), signal);
        return HttpResponse.empty(204);
    }

    /** docker rm [-f]: moby's 409 for a running container without force. */
    private HttpResponse remove(HttpRequest request, Map<String, String> params) {
        Optional<Container> c = find(params.get("id"));
        if (c.isEmpty()) {
            return noSuchContainer(params.get("id"));
        }
        boolean force = isTrue(request.query("force"));
        if (!force && Containers.isRunning(containers.task(c.get().getId()))) {
            return Responses.error(409, "cannot remove container \"" + params.get("id") + "\": container is running:"
                    + " stop the container before removing or force remove");
        }
        supervisor.rm(c.get(), params.get("id"), force);
        return HttpResponse.empty(204);
    }

    /** By ID, name or unique ID prefix, as the engine finds containers; empty when none (or several) match. */
    private Optional<Container> find(String ref) {
        return find(containers, ref);
    }

    /** By ID, name or unique ID prefix; empty when none (or several) match. */
    static Optional<Container> find(Containers containers, String ref) {
        try {
            return Optional.of(containers.find(ref));
        } catch (JnerdException e) {
            return Optional.empty();
        }
    }

    private static HttpResponse noSuchContainer(String ref) {
        return Responses.error(404, "No such container: " + ref);
    }

    /**
     * A signal as docker kill sends it: a number, or KILL/TERM with or without SIG (the
     * names native-bindings knows); null or empty is SIGKILL. -1 for anything else.
     */
    static int signal(String name) {
        if (name == null || name.isEmpty()) {
            return Signals.SIGKILL;
        }
        String n = name.toUpperCase(Locale.ROOT);
        n = n.startsWith("SIG") ? n.substring(3) : n;
        if (n.equals("KILL")) {
            return Signals.SIGKILL;
        }
        if (n.equals("TERM")) {
            return Signals.SIGTERM;
        }
        try {
            int number = Integer.parseInt(n);
            // Linux has 64 signals (SIGRTMAX); 0 is no signal at all.
            return number >= 1 && number <= 64 ? number : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * moby's container summaries, newest first, running ones only unless {@code all} (the
     * CLI sends {@code all=1}; moby's boolean form values also accept "true").
     */
    private HttpResponse list(HttpRequest request, Map<String, String> params) {
        boolean all = isTrue(request.query("all"));
        // The image records are asked for beside the containers, and read only when there is a
        // container to name an image ID for.
        ImageService.IdsLater askedForIds = images.ids();
        List<ContainerSummary> summaries;
        try {
            summaries = containers.summaries();
        } catch (RuntimeException e) {
            askedForIds.cancel();
            throw e;
        }
        if (summaries.isEmpty()) {
            askedForIds.cancel();
        }
        Map<String, String> imageIds = summaries.isEmpty() ? Map.of() : askedForIds.get();
        ArrayNode out = Responses.mapper().createArrayNode();
        for (ContainerSummary c : summaries) {
            if (!all && !c.state().equals("running")) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("Id", c.id());
            o.putArray("Names").add("/" + name(c));
            ImageRef ref = ImageRoutes.parse(c.image());
            o.put("Image", ref == null ? c.image() : ref.familiar())
                    .put("ImageID", imageIds.getOrDefault(c.image(), ""))
                    .put("Command", String.join(" ", c.command()))
                    .put("Created", c.created().getEpochSecond());
            ArrayNode ports = o.putArray("Ports");
            for (PortMapping p : Containers.publishedPorts(c.labels())) {
                ports.addObject().put("IP", p.hostIp().map(InetAddress::getHostAddress).orElse("0.0.0.0"))
                        .put("PrivatePort", p.containerPort()).put("PublicPort", p.hostPort())
                        .put("Type", p.protocol().wireName());
            }
            o.set("Labels", Responses.mapper().valueToTree(c.labels()));
            o.put("State", c.state()).put("Status", c.status());
            o.putObject("HostConfig").put("NetworkMode", c.labels().getOrDefault(ContainerLabels.NETWORK, "default"));
            o.putObject("NetworkSettings").putObject("Networks");
            o.putArray("Mounts");
        }
        return Responses.json(200, out);
    }

    /** moby's httputils.BoolValue: anything but "", "0", "no", "false", "none" is true. */
    static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
    }
}
