package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd logs}: the output of a detached container (its log file); -f follows it until the container exits. */
@Command(name = "logs", description = "Show the output of a detached container")
public final class LogsCommand extends ContainerdCommand {
    private static final long POLL_MILLIS = 200;

    @Option(names = {"-f", "--follow"}, description = "keep printing new output until the container exits")
    boolean follow;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    int call(Containerd containerd) throws IOException, InterruptedException {
        Containers all = new Containers(containerd);
        Container c = all.find(container);
        String log = c.getLabelsMap().get(ContainerLabels.LOG);
        if (log == null) {
            throw new JnerdException("container " + container + " was not started with -d: it has no log");
        }
        Path file = Path.of(log);
        OutputStream out = terminal().out();
        long offset = 0;
        while (true) {
            boolean running = Containers.isRunning(all.task(c.getId()));
            offset = copyFrom(file, offset, out);
            if (!follow || !running) {
                out.flush();
                return 0;
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
