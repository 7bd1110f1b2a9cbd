package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.ImageFiles;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.Platform;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code exec}: one more process in a running container, through containerd's task Exec. It
 * starts from the container's own process (capabilities, seccomp's no_new_privileges,
 * rlimits, user, env, cwd), so that an exec can do no more than the container's init can.
 */
public final class ContainerExec {

    /** What to run: docker exec's flags. */
    public record ExecSpec(List<String> args, boolean interactive, boolean tty, boolean detach, List<String> env,
                           Optional<String> user, Optional<String> workdir) {
        public ExecSpec {
            if (args.isEmpty()) {
                throw new JnerdException("exec needs a command to run");
            }
            args = List.copyOf(args);
            env = List.copyOf(env);
        }
    }

    private final Containerd containerd;
    private final RunConsole console;
    private final Path stateRoot;

    public ContainerExec(Containerd containerd, RunConsole console, Path stateRoot) {
        this.containerd = containerd;
        this.console = console;
        this.stateRoot = stateRoot;
    }

    /** Runs the process; its exit status, or 0 once started when detached. */
    public int exec(Container c, ExecSpec exec) throws IOException, InterruptedException {
        requireRunning(containerd, c);
        if (exec.tty() && exec.interactive() && !exec.detach()) {
            console.requireTerminal();
        }
        ObjectNode process = process(containerd, c, exec);
        Path stateDir = new Containers(containerd).stateDir(stateRoot, c.getId());
        if (exec.detach()) {
            try (ExecProcess p = ExecProcess.create(containerd, stateDir, c.getId(), process, null, null, null)) {
                p.start();
                return 0;
            }
        }
        try (ExecProcess p = ExecProcess.create(containerd, stateDir, c.getId(), process,
                exec.interactive() ? console.in() : null, console.out(), console.err());
             RunConsole.Forwarding signals = console.forwardSignals(p::kill);
             RunConsole.RawTerminal local = exec.tty() && exec.interactive() ? console.rawTerminal(p::resize)
                     : () -> { }) {
            p.start();
            return p.awaitExit();
        }
    }

    /** moby's 409 for an exec into a container that is not running, as one line. */
    static void requireRunning(Containerd containerd, Container c) {
        if (new Containers(containerd).task(c.getId()).map(t -> t.getStatus() != Status.RUNNING).orElse(true)) {
            throw new JnerdException(1, "container " + c.getId() + " is not running", null);
        }
    }

    /** The container's process with exec's args, terminal, env, user and cwd. */
    static ObjectNode process(Containerd containerd, Container c, ExecSpec exec) {
        JsonNode spec = Json.parse(c.getSpec().getValue().toByteArray(), "the spec of container " + c.getId());
        ObjectNode process = spec.path("process").isObject() ? ((ObjectNode) spec.path("process")).deepCopy()
                : Json.object();
        ArrayNode args = process.putArray("args");
        exec.args().forEach(args::add);
        process.put("terminal", exec.tty());
        process.remove("consoleSize");
        Map<String, String> env = new LinkedHashMap<>();
        process.path("env").forEach(e -> put(env, e.asText()));
        if (exec.tty() && !env.containsKey("TERM")) {
            env.put("TERM", "xterm");
        }
        exec.env().forEach(e -> put(env, e));
        ArrayNode envArray = process.putArray("env");
        env.forEach((k, v) -> envArray.add(k + "=" + v));
        exec.workdir().ifPresent(w -> {
            if (!w.startsWith("/")) {
                throw new JnerdException("the working directory \"" + w + "\" is not absolute");
            }
            process.put("cwd", w);
        });
        if (exec.user().isPresent()) {
            ProcessUser user = new UserResolver(new ImageFiles(new ContentStore(containerd),
                    new ImageService(containerd).resolve(c.getImage(), Platform.host()))::read).resolve(exec.user().get());
            user.putInto(process);
        }
        return process;
    }

    /** KEY=VALUE sets, a lone KEY is dropped as docker drops an unset variable. */
    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
    }
}
