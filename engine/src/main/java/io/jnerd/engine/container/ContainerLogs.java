package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The output of a detached container (its log file), for jnerd logs and the Docker API's logs. */
public final class ContainerLogs {
    /** How often -f looks for more: the log is a plain file the shim appends to. */
    private static final long POLL_MILLIS = 200;

    private ContainerLogs() {}

    /**
     * Copies the log of {@code c} to {@code out}; with {@code follow}, keeps copying until the
     * container is no longer running. A client that goes away ends it ({@code out} throws).
     *
     * @param ref how the caller named the container, for the error
     * @throws JnerdException when the container was not started detached (it has no log)
     */
    public static void copy(Containers all, Container c, String ref, OutputStream out, boolean follow)
            throws IOException, InterruptedException {
        String log = c.getLabelsMap().get(ContainerLabels.LOG);
        if (log == null) {
            throw new JnerdException("container " + ref + " was not started with -d: it has no log");
        }
        Path file = Path.of(log);
        long offset = 0;
        while (true) {
            boolean running = Containers.isRunning(all.task(c.getId()));
            offset = copyFrom(file, offset, out);
            out.flush();
            if (!follow || !running) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static long copyFrom(Path file, long offset, OutputStream out) throws IOException {
        if (!Files.exists(file)) {
            return offset;
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return offset + in.transferTo(out);
        }
    }
}
