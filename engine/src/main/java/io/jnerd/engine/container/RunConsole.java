package io.jnerd.engine.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What a foreground run is attached to, given by the front door: the streams the
 * container's stdio is copied from and to, the front door's own terminal for
 * {@code -t -i} (the CLI's; an API client has none), and where jnerd's own remarks go.
 */
public interface RunConsole {
    InputStream in();

    OutputStream out();

    OutputStream err();

    /** For {@code -t -i}: fails with one line when there is no terminal to give the container. */
    void requireTerminal();

    /**
     * For {@code -t -i}, once the task exists: the terminal in raw mode, its size now and
     * each later one sent to {@code resize} as {columns, rows}; closing restores it.
     */
    RawTerminal rawTerminal(Consumer<int[]> resize) throws IOException;

    /**
     * Once the foreground task exists: the signals that would end the front door (the CLI:
     * SIGINT, SIGTERM, SIGHUP, docker run's --sig-proxy) go to the container instead, by
     * number, until closed after the whole clean-up.
     */
    Forwarding forwardSignals(IntConsumer toContainer);

    /** A line about jnerd's own work a person should see (a clean-up step that failed), never the container's output. */
    void warn(String line);

    /**
     * For a front door that brings its own stdio (the daemon: {@link ContainerSupervisor}) and
     * only creates through {@link ContainerRunner#create}: no streams, no terminal, no signals;
     * jnerd's remarks go to {@code warnings}.
     */
    static RunConsole withoutStdio(Consumer<String> warnings) {
        return new RunConsole() {
            @Override
            public InputStream in() {
                return InputStream.nullInputStream();
            }

            @Override
            public OutputStream out() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public OutputStream err() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void requireTerminal() {
                throw new io.jnerd.engine.JnerdException("no terminal here: attach a client with a TTY instead");
            }

            @Override
            public RawTerminal rawTerminal(Consumer<int[]> resize) {
                return () -> { };
            }

            @Override
            public Forwarding forwardSignals(IntConsumer toContainer) {
                return Forwarding.NONE;
            }

            @Override
            public void warn(String line) {
                warnings.accept(line);
            }
        };
    }

    /** Signal forwarding; close restores what the signals did before, and cannot fail. */
    interface Forwarding extends AutoCloseable {
        Forwarding NONE = () -> { };

        @Override
        void close();
    }

    /** The terminal in raw mode; close restores it and cannot fail. */
    interface RawTerminal extends AutoCloseable {
        @Override
        void close();
    }
}
