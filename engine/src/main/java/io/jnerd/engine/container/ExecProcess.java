package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.StateDirs;
import io.jnerd.engine.image.Json;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.tasks.CloseIORequest;
import io.jnerd.proto.containerd.tasks.DeleteProcessRequest;
import io.jnerd.proto.containerd.tasks.ExecProcessRequest;
import io.jnerd.proto.containerd.tasks.KillRequest;
import io.jnerd.proto.containerd.tasks.ResizePtyRequest;
import io.jnerd.proto.containerd.tasks.StartRequest;
import io.jnerd.proto.containerd.tasks.WaitRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One exec'd process in containerd, from create to delete: its stdio FIFOs (none when
 * detached: the shim gives the process /dev/null) copied to and from the front door's
 * streams, start, resize, signals, the wait for its exit. {@link #close()} drains its output
 * (bounded), deletes the process in containerd and removes its FIFOs.
 */
public final class ExecProcess implements AutoCloseable {
    static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
    private static final long OUTPUT_DRAIN_MILLIS = 2000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Containerd containerd;
    private final String containerId;
    private final String execId;
    private final Path dir;
    private final TaskIo io;
    private volatile boolean exited;

    private ExecProcess(Containerd containerd, String containerId, String execId, Path dir, TaskIo io) {
        this.containerd = containerd;
        this.containerId = containerId;
        this.execId = execId;
        this.dir = dir;
        this.io = io;
    }

    /**
     * Creates {@code process} (an OCI process, as {@link ContainerExec#process} makes it) in the
     * container's task, not started yet. {@code stdout} null: detached, no stdio at all;
     * {@code stdin} null: none. With a terminal, {@code stderr} is not used (the pty carries both).
     *
     * @param stateDir the container's state dir, where the FIFOs go
     */
    static ExecProcess create(Containerd containerd, Path stateDir, String containerId, ObjectNode process,
            InputStream stdin, OutputStream stdout, OutputStream stderr) throws IOException {
        String execId = HexFormat.of().formatHex(randomBytes());
        boolean tty = process.path("terminal").asBoolean(false);
        ExecProcessRequest.Builder request = ExecProcessRequest.newBuilder().setContainerId(containerId)
                .setExecId(execId).setTerminal(tty)
                .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE_URL).setValue(ByteString.copyFrom(Json.bytes(process))));
        if (stdout == null) {
            ExecProcess p = new ExecProcess(containerd, containerId, execId, null, null);
            p.exec(request.build());
            return p;
        }
        Path dir = stateDir.resolve("exec-" + execId);
        Files.createDirectories(dir);
        TaskIo io = null;
        try {
            io = TaskIo.create(dir, stdin != null, tty);
            ExecProcess p = new ExecProcess(containerd, containerId, execId, dir, io);
            io.start(stdin, stdout, stderr, p::closeStdin);
            p.exec(request.setStdin(io.stdinPath()).setStdout(io.stdoutPath()).setStderr(io.stderrPath()).build());
            return p;
        } catch (IOException | RuntimeException e) {
            if (io != null) {
                io.close();
            }
            StateDirs.delete(dir);
            throw e;
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private void exec(ExecProcessRequest request) {
        try {
            containerd.tasks().exec(request);
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }

    /**
     * Starts the process; its pid.
     *
     * @throws io.jnerd.engine.JnerdException with 127 (not found), 126 (cannot invoke) or 125
     */
    public int start() {
        try {
            return containerd.tasks().start(StartRequest.newBuilder().setContainerId(containerId).setExecId(execId)
                    .build()).getPid();
        } catch (StatusRuntimeException e) {
            throw StartFailure.of(e);
        }
    }

    /** Blocks until the process exited; its exit status. */
    public int awaitExit() {
        int status = containerd.tasksUnbounded()
                .wait(WaitRequest.newBuilder().setContainerId(containerId).setExecId(execId).build()).getExitStatus();
        exited = true;
        return status;
    }

    /**
     * Waits at most {@code step} (so a front door can look whether its client is still there
     * in between): the exit status, or empty while it runs. A process that is gone with its
     * container's task counts as killed (137).
     */
    public OptionalInt awaitExit(Duration step) {
        try {
            int status = containerd.tasksUnbounded().withDeadlineAfter(step.toMillis(), TimeUnit.MILLISECONDS)
                    .wait(WaitRequest.newBuilder().setContainerId(containerId).setExecId(execId).build())
                    .getExitStatus();
            exited = true;
            return OptionalInt.of(status);
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isDeadlineExceeded(e)) {
                return OptionalInt.empty();
            }
            if (!ContainerdErrors.isNotFound(e)) {
                throw e;
            }
            exited = true;
            return OptionalInt.of(128 + 9);
        }
    }

    public void kill(int signal) {
        try {
            containerd.tasks().kill(KillRequest.newBuilder().setContainerId(containerId).setExecId(execId)
                    .setSignal(signal).build());
        } catch (StatusRuntimeException e) {
            // Ended meanwhile: the wait reports how.
        }
    }

    /** The pty's size, as {columns, rows}; ignored before start and after the end. */
    public void resize(int[] columnsRows) {
        try {
            containerd.tasks().resizePty(ResizePtyRequest.newBuilder().setContainerId(containerId).setExecId(execId)
                    .setWidth(columnsRows[0]).setHeight(columnsRows[1]).build());
        } catch (StatusRuntimeException e) {
            // Not started yet or already gone.
        }
    }

    /**
     * The front door's stdin reached EOF: the shim does not pass that on by itself (it holds
     * the FIFO open), so it is asked to close the process's stdin.
     */
    private void closeStdin() {
        try {
            containerd.tasks().closeIO(CloseIORequest.newBuilder().setContainerId(containerId).setExecId(execId)
                    .setStdin(true).build());
        } catch (StatusRuntimeException e) {
            // The process is gone already: its stdin with it.
        }
    }

    @Override
    public void close() {
        try {
            if (io != null && exited) {
                io.awaitOutput(OUTPUT_DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                containerd.tasks().deleteProcess(DeleteProcessRequest.newBuilder().setContainerId(containerId)
                        .setExecId(execId).build());
            } catch (StatusRuntimeException e) {
                // Gone with its container's task, or never started.
            }
            if (io != null) {
                io.close();
                StateDirs.delete(dir);
            }
        }
    }
}
