package io.jnerd.cli.warm;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.engine.container.RunConsole;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.Sockets;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;
import picocli.CommandLine;

/**
 * One client's command: its request and stdio fds read, the command run in this thread
 * against a {@link Terminal} on those fds, the exit code sent back. Signals the client
 * forwards go to the container when the command forwards signals (a foreground run), else
 * interrupt the command. A client that goes away mid-command counts as a SIGHUP, what a
 * closed terminal would have sent the command's own process.
 */
final class WarmSession {
    static final byte SIGNAL = 's';
    static final byte EXIT = 'x';
    static final byte DECLINED = 'f';
    private static final int SIGHUP = 1;
    private static final int STDIO = 3;

    private final Fd connection;
    private final SharedContainerd containerd;
    private final SpareCommandLines trees;
    private volatile IntConsumer toContainer;
    private volatile boolean done;
    private Thread signals;

    WarmSession(Fd connection, SharedContainerd containerd, SpareCommandLines trees) {
        this.connection = connection;
        this.containerd = containerd;
        this.trees = trees;
    }

    /** Reads the request; runs it, or declines it when the server cannot run it or must stop serving. */
    void serve(boolean stopping) throws IOException {
        WarmRequest request;
        Fd[] stdio = new Fd[STDIO];
        try (ScmRights.Received first = ScmRights.receive(connection, 64 * 1024, STDIO)) {
            if (first.fds().size() != STDIO || first.data().length < Integer.BYTES) {
                throw new IOException("a request starts with its length and three fds (stdin, stdout, stderr)");
            }
            request = WarmRequest.parse(body(first.data()));
            for (int i = 0; i < STDIO; i++) {
                stdio[i] = first.take(i);
            }
        }
        try {
            SpareCommandLines.Tree tree = trees.take();
            if (stopping || !ServedCommands.served(tree.cmd(), request.args(), request.env())) {
                reply(DECLINED, 0);
                return;
            }
            reply(EXIT, run(request, stdio, tree.top(), tree.cmd()));
        } finally {
            for (Fd fd : stdio) {
                fd.close();
            }
            // Wakes the signal reader (a read blocked on a socket is not woken by close) before the fd goes.
            Sockets.shutdown(connection, Sockets.SHUT_RDWR);
            if (signals != null) {
                joinQuietly(signals);
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int run(WarmRequest request, Fd[] stdio, JnerdCommand top, CommandLine cmd) {
        PrintStream out = new PrintStream(new BufferedOutputStream(FdStreams.output(stdio[1])), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(FdStreams.output(stdio[2])), true, StandardCharsets.UTF_8);
        Thread command = Thread.currentThread();
        signals = new Thread(() -> relaySignals(command), command.getName() + "-signals");
        signals.setDaemon(true);
        signals.start();
        try {
            Terminal terminal = new Terminal(FdStreams.input(stdio[0]), out, err, request.env(), forward -> {
                toContainer = forward;
                return () -> toContainer = null;
            });
            return Main.execute(terminal, containerd, top, cmd, request.args().toArray(String[]::new));
        } finally {
            done = true;
            out.flush();
            err.flush();
            Thread.interrupted();
        }
    }

    /** Until the command ends: the client's forwarded signals, and its hang-up. */
    private void relaySignals(Thread command) {
        byte[] frame = new byte[5];
        while (!done) {
            int signal;
            try {
                signal = readFrame(frame) ? ByteBuffer.wrap(frame).getInt(1) : SIGHUP;
            } catch (IOException e) {
                signal = SIGHUP;
            }
            if (done) {
                return;
            }
            IntConsumer forward = toContainer;
            if (forward != null) {
                forward.accept(signal);
            } else {
                command.interrupt();
            }
            if (signal == SIGHUP && frame[0] != SIGNAL) {
                return;
            }
        }
    }

    /** One client frame; false at end of stream. */
    private boolean readFrame(byte[] frame) throws IOException {
        java.util.Arrays.fill(frame, (byte) 0);
        int have = 0;
        while (have < frame.length) {
            int n = Sockets.read(connection, frame, have, frame.length - have);
            if (n <= 0) {
                return false;
            }
            have += n;
        }
        return frame[0] == SIGNAL;
    }

    private byte[] body(byte[] first) throws IOException {
        int length = ByteBuffer.wrap(first).getInt(0);
        if (length < 0 || length > WarmRequest.MAX_BYTES) {
            throw new IOException("a request of " + length + " bytes (at most " + WarmRequest.MAX_BYTES + ")");
        }
        byte[] body = new byte[length];
        int have = Math.min(first.length - Integer.BYTES, length);
        System.arraycopy(first, Integer.BYTES, body, 0, have);
        while (have < length) {
            int n = Sockets.read(connection, body, have, length - have);
            if (n <= 0) {
                throw new IOException("the client hung up after " + have + " of " + length + " bytes");
            }
            have += n;
        }
        return body;
    }

    private void reply(byte type, int value) throws IOException {
        Sockets.writeFully(connection, ByteBuffer.allocate(5).put(type).putInt(value).array());
    }
}
