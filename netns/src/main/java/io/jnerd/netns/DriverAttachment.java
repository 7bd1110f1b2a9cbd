package io.jnerd.netns;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The attachment of a user-mode network driver that runs as its own process (slirp4netns,
 * pasta): detaching stops the process, then removes what it left ({@code afterStop}).
 */
public final class DriverAttachment implements NetworkAttachment {

    private final HelperProcess process;
    private final List<PortMapping> published;
    private final Closeable afterStop;
    private boolean closed;

    public DriverAttachment(HelperProcess process, List<PortMapping> published, Closeable afterStop) {
        this.process = process;
        this.published = List.copyOf(published);
        this.afterStop = afterStop;
    }

    @Override
    public List<PortMapping> publishedPorts() {
        return published;
    }

    @Override
    public long driverPid() {
        return process.pid();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        process.stop();
        afterStop.close();
        closed = true;
    }
}
