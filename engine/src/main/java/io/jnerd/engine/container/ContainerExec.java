package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.StateDirs;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.ImageFiles;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.Platform;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.tasks.CloseIORequest;
import io.jnerd.proto.containerd.tasks.DeleteProcessRequest;
import io.jnerd.proto.containerd.tasks.ExecProcessRequest;
import io.jnerd.proto.containerd.tasks.KillRequest;
import io.jnerd.proto.containerd.tasks.ResizePtyRequest;
import io.jnerd.proto.containerd.tasks.StartRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
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
    static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
    private static final long OUTPUT_DRAIN_MILLIS = 2000;
    private static final SecureRandom RANDOM = new SecureRandom();

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
        Containers containers = new Containers(containerd);
        if (containers.task(c.getId()).map(t -> t.getStatus() != Status.RUNNING).orElse(true)) {
            throw new JnerdException(1, "container " + c.getId() + " is not running", null);
        }
        if (exec.tty() && exec.interactive() && !exec.detach()) {
            console.requireTerminal();
        }
        ObjectNode process = process(c, exec);
        String execId = HexFormat.of().formatHex(randomBytes());
        ExecProcessRequest.Builder request = ExecProcessRequest.newBuilder().setContainerId(c.getId()).setExecId(execId)
                .setTerminal(exec.tty())
                .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE_URL).setValue(ByteString.copyFrom(Json.bytes(process))));
        if (exec.detach()) {
            // No stdio: the shim gives the process /dev/null, as docker exec -d does.
            create(request.build());
            start(c.getId(), execId);
            return 0;
        }
        Path dir = containers.stateDir(stateRoot, c.getId()).resolve("exec-" + execId);
        Files.createDirectories(dir);
        try (TaskIo io = TaskIo.create(dir, exec.interactive(), exec.tty())) {
            io.start(console.in(), console.out(), console.err(), () -> closeStdin(c.getId(), execId));
            create(request.setStdin(io.stdinPath()).setStdout(io.stdoutPath()).setStderr(io.stderrPath()).build());
            try (RunConsole.Forwarding signals = console.forwardSignals(sig -> kill(c.getId(), execId, sig));
                 RunConsole.RawTerminal local = exec.tty() && exec.interactive()
                         ? console.rawTerminal(size -> resize(c.getId(), execId, size)) : () -> { }) {
                start(c.getId(), execId);
                int status = containerd.tasksUnbounded()
                        .wait(WaitRequest.newBuilder().setContainerId(c.getId()).setExecId(execId).build()).getExitStatus();
                io.awaitOutput(OUTPUT_DRAIN_MILLIS);
                return status;
            } finally {
                deleteProcess(c.getId(), execId);
            }
        } finally {
            StateDirs.delete(dir);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The container's process with exec's args, terminal, env, user and cwd. */
    private ObjectNode process(Container c, ExecSpec exec) {
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

    private void create(ExecProcessRequest request) {
        try {
            containerd.tasks().exec(request);
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }

    private void start(String id, String execId) {
        try {
            containerd.tasks().start(StartRequest.newBuilder().setContainerId(id).setExecId(execId).build());
        } catch (StatusRuntimeException e) {
            deleteProcess(id, execId);
            throw StartFailure.of(e);
        }
    }

    private void deleteProcess(String id, String execId) {
        try {
            containerd.tasks().deleteProcess(DeleteProcessRequest.newBuilder().setContainerId(id).setExecId(execId).build());
        } catch (StatusRuntimeException e) {
            // Gone with its container's task, or deleted already.
        }
    }

    private void kill(String id, String execId, int signal) {
        try {
            containerd.tasks().kill(KillRequest.newBuilder().setContainerId(id).setExecId(execId).setSignal(signal).build());
        } catch (StatusRuntimeException e) {
            // Ended meanwhile: the wait reports how.
        }
    }

    private void resize(String id, String execId, int[] columnsRows) {
        try {
            containerd.tasks().resizePty(ResizePtyRequest.newBuilder().setContainerId(id).setExecId(execId)
                    .setWidth(columnsRows[0]).setHeight(columnsRows[1]).build());
        } catch (StatusRuntimeException e) {
            // Not started yet or already gone.
        }
    }

    private void closeStdin(String id, String execId) {
        try {
            containerd.tasks().closeIO(CloseIORequest.newBuilder().setContainerId(id).setExecId(execId).setStdin(true).build());
        } catch (StatusRuntimeException e) {
            // The process is gone already: its stdin with it.
        }
    }
}
