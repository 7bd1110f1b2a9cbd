package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.ExitCodes;
import io.jnerd.engine.JnerdException;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One exec instance of the Docker API: created, started once (attached: runs to its end on
 * the caller's thread; detached: a thread waits for its end), then ended with an exit code.
 * As moby's, a start that fails records 127 for a command not found and 126 otherwise.
 */
public final class ExecInstance {
    /** How long an attached start waits on containerd before it looks whether its client left. */
    private static final Duration CLIENT_CHECK_STEP = Duration.ofSeconds(1);
    /** moby gives a resize this long to find the instance started (docker exec -t resizes at once). */
    private static final long RESIZE_WAIT_MILLIS = 1000;

    /** Where the client of an attached start can be asked whether it is still there. */
    @FunctionalInterface
    public interface ClientCheck {
        /** @throws IOException when the client is gone */
        void check() throws IOException;
    }

    /** What inspect shows. {@code exitCode} is empty until it ended; {@code pid} 0 until it started. */
    public record State(boolean running, OptionalInt exitCode, int pid) {}

    private final String id;
    private final Container container;
    private final Path stateDir;
    private final ContainerExec.ExecSpec spec;
    private final Containerd containerd;
    private final CountDownLatch started = new CountDownLatch(1);
    private boolean claimed;
    private boolean running;
    private Integer exitCode;
    private int pid;
    private ExecProcess process;

    ExecInstance(String id, Container container, Path stateDir, ContainerExec.ExecSpec spec, Containerd containerd) {
        this.id = id;
        this.container = container;
        this.stateDir = stateDir;
        this.spec = spec;
        this.containerd = containerd;
    }

    public String id() {
        return id;
    }

    public String containerId() {
        return container.getId();
    }

    public ContainerExec.ExecSpec spec() {
        return spec;
    }

    public synchronized State state() {
        return new State(running, exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode), pid);
    }

    synchronized boolean ended() {
        return exitCode != null;
    }

    /**
     * Takes the one start this instance has, before a front door commits to a response.
     *
     * @throws JnerdException (moby's words, a conflict) when it was started before or its container stopped
     */
    public synchronized void claim() {
        if (claimed) {
            throw new JnerdException(1, "Error: Exec command " + id + (exitCode == null ? " is already running"
                    : " has already run"), null);
        }
        ContainerExec.requireRunning(containerd, container);
        claimed = true;
    }

    /**
     * Runs the claimed instance with its stdio on these streams ({@code stdin} null: none) until
     * it ends, its output drained. A client found gone between waits gets its process killed,
     * as moby does when an exec's request ends.
     *
     * @throws JnerdException when it cannot start (its exit code, 126 or 127, is recorded)
     */
    public void run(InputStream stdin, OutputStream stdout, OutputStream stderr, ClientCheck client) {
        ExecProcess p = begin(stdin, stdout, stderr);
        try {
            OptionalInt status;
            while ((status = p.awaitExit(CLIENT_CHECK_STEP)).isEmpty()) {
                try {
                    client.check();
                } catch (IOException gone) {
                    p.kill(Signals.SIGKILL);
                }
            }
            end(status.getAsInt());
        } catch (RuntimeException e) {
            // Nobody would wait for it any more: it does not run on unattended.
            p.kill(Signals.SIGKILL);
            end(ExitCodes.JNERD_ERROR);
            throw e;
        } finally {
            p.close();
        }
    }

    /** Starts the claimed instance without stdio; a thread records its exit code when it ends. */
    public void startDetached() {
        ExecProcess p = begin(null, null, null);
        Thread waiter = new Thread(() -> {
            try {
                end(p.awaitExit());
            } catch (RuntimeException e) {
                end(ExitCodes.JNERD_ERROR);
            } finally {
                p.close();
            }
        }, "jnerd-exec-" + id.substring(0, 12));
        waiter.setDaemon(true);
        waiter.start();
    }

    /** The pty's size; waits a moment for a start under way, as moby does. */
    public void resize(int columns, int rows) throws InterruptedException {
        if (!started.await(RESIZE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new JnerdException(1, "exec " + id + " is not running", null);
        }
        ExecProcess p;
        synchronized (this) {
            p = process;
        }
        if (p != null) {
            p.resize(new int[] {columns, rows});
        }
    }

    private ExecProcess begin(InputStream stdin, OutputStream stdout, OutputStream stderr) {
        ExecProcess p = null;
        try {
            ObjectNode spec = ContainerExec.process(containerd, container, this.spec);
            p = ExecProcess.create(containerd, stateDir, container.getId(), spec, stdin, stdout, stderr);
            int started = p.start();
            synchronized (this) {
                running = true;
                pid = started;
                process = p;
            }
            this.started.countDown();
            return p;
        } catch (JnerdException e) {
            fail(p, e.exitCode() == ExitCodes.NOT_FOUND ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_INVOKE);
            throw e;
        } catch (IOException | RuntimeException e) {
            fail(p, ExitCodes.CANNOT_INVOKE);
            throw new JnerdException(ExitCodes.CANNOT_INVOKE, "exec " + id + " failed: " + e.getMessage(), e);
        }
    }

    private void fail(ExecProcess p, int code) {
        if (p != null) {
            p.close();
        }
        end(code);
    }

    private synchronized void end(int code) {
        running = false;
        exitCode = code;
        process = null;
    }
}
