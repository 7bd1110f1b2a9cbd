package io.jnerd.cli.command;

import io.jnerd.cli.demo.Demo;
import io.jnerd.proto.ContainerdAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnerd demo}: rootless bypass4netns against the host and slirp4netns, on this machine. */
@Command(name = "demo", description = "Measure rootless bypass4netns against the host and slirp4netns with iperf3 "
        + "(as root: prepares the machine and a demo user first)")
public final class DemoCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "iperf3 server to measure against (as a user; root makes a test-host namespace with one)")
    String target;

    @Option(names = "--seconds", paramLabel = "N", description = "seconds per iperf3 run (default: 5)")
    int seconds = 5;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 600) {
            throw new io.jnerd.engine.JnerdException("--seconds must be between 1 and 600, not " + seconds);
        }
        return Demo.run(global().terminal(), ContainerdAddress.isRoot(), target, seconds);
    }
}
