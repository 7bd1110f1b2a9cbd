package io.jnerd.bench.macro;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Where a workload's "container" side runs in one mode: a host process, a process in the
 * veth reference namespace, or a {@code jnerd run} container of the rootless user.
 */
interface Placement extends AutoCloseable {

    Mode mode();

    /** The path of a tool ("iperf3", "netbench", ...) as this placement's processes see it. */
    String tool(String name);

    /** Runs a client to completion and returns its stdout. */
    String exec(List<String> command, Duration timeout) throws IOException;

    /**
     * Starts a TCP server and returns the address where the test host reaches it (for
     * containers: the published port); it may not accept yet: see {@link Workload.Context#awaitReachable}. {@code command} gets the address and port to listen
     * on; {@code port} is the one a container listens on (others choose a free one).
     */
    Running serve(String name, ServerCommand command, int port) throws IOException;

    /** Where this placement reaches the test host's servers. */
    String testHostAddress();

    @Override
    void close() throws IOException;

    /** A server's command line for a listen address and port. */
    interface ServerCommand {
        List<String> build(String address, int port);
    }

    /** A started server; {@link #close()} stops it. */
    interface Running extends AutoCloseable {
        InetSocketAddress reachableAt();

        @Override
        void close() throws IOException;
    }
}
