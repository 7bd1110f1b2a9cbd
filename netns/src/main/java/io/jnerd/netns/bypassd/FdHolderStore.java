package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Native;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bypassd's side of the {@link FdHolder}: connects to the holder on {@code holder.sock} in
 * the daemon's state dir, starting one when none answers, and speaks its protocol. Before
 * any fd goes out the peer is checked to be of this daemon's uid (SO_PEERCRED): the
 * directory is this user's own 0700 one, but a listener must never reach anybody else.
 */
final class FdHolderStore implements ListenerStore {

    static final String SOCKET_NAME = "holder.sock";
    /** How long a start waits for a holder to listen, or for a previous daemon to let go of it. */
    static final long WAIT_MILLIS = 20_000;
    /**
     * The holder's JVM: as small as it goes. It runs a poll loop over a few fds, so a tiny heap,
     * one GC thread, the interpreter only (no compiler threads, a small code cache) and no
     * perf data file: 40 MB RSS, 19 MB of it its own (RssAnon), the rest the JDK's shared
     * files (JDK 25, measured; with C1 and an 8 MB heap: 50 MB and 27 MB). The heap may grow
     * to 16 MB: on JDK 17 the jnr-ffi backend's loading of its native stub failed in 4 MB
     * ("UnsatisfiedLinkError: Java heap space"), and the holder never listened.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms2m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-Xint",
            "-XX:-UsePerfData", "-XX:ReservedCodeCacheSize=3m", "-XX:MaxMetaspaceSize=16m",
            "--enable-native-access=ALL-UNNAMED");

    private final Path socket;
    private final Path log;
    private Fd connection;

    private FdHolderStore(Path socket, Path log) {
        this.socket = socket;
        this.log = log;
    }

    /** The holder serving {@code stateDir}, connected only when a call needs it. */
    static FdHolderStore in(Path stateDir) {
        return new FdHolderStore(stateDir.resolve(SOCKET_NAME), stateDir.resolve("holder.log"));
    }

    /** Asks a running holder only: with none, nothing was kept and none is started. */
    @Override
    public synchronized Map<String, Fd> takeAll() throws IOException {
        Map<String, Fd> out = new LinkedHashMap<>();
        if (!Files.exists(socket) || (connection = tryConnect()) == null) {
            return out;
        }
        request(FdHolder.LIST, null);
        try {
            while (true) {
                try (ScmRights.Received r = receive()) {
                    String text = new String(r.data(), StandardCharsets.US_ASCII);
                    if (text.equals(FdHolder.END)) {
                        return out;
                    }
                    if (!text.startsWith(FdHolder.FD) || r.fds().size() != 1) {
                        throw new IOException("holder " + socket + " answered \"" + text + "\" to LIST");
                    }
                    out.put(text.substring(FdHolder.FD.length()), r.take(0));
                }
            }
        } catch (IOException | RuntimeException e) {
            out.values().forEach(Fd::close);
            disconnect();
            throw e;
        }
    }

    @Override
    public synchronized void keep(String name, Fd fd) throws IOException {
        if (!ListenerStore.validName(name)) {
            throw new IllegalArgumentException("fd name \"" + name + "\" is not printable ASCII without ':' or spaces");
        }
        if (connection == null) {
            connection = connectOrStart();
        }
        expectOk(request(FdHolder.KEEP + name, fd), "KEEP");
    }

    @Override
    public synchronized void forget(String name) throws IOException {
        if (connection != null) {
            expectOk(request(FdHolder.DROP + name, null), "DROP");
        }
    }

    @Override
    public synchronized void close() {
        disconnect();
    }

    private void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private String request(String text, Fd fd) throws IOException {
        try {
            ScmRights.send(connection, text.getBytes(StandardCharsets.US_ASCII), fd == null ? List.of() : List.of(fd));
            if (text.equals(FdHolder.LIST)) {
                return null;
            }
            try (ScmRights.Received r = receive()) {
                return new String(r.data(), StandardCharsets.US_ASCII);
            }
        } catch (IOException | RuntimeException e) {
            // A holder that died (or a protocol error): the next call starts afresh.
            disconnect();
            throw new IOException("fd holder " + socket + ": " + e.getMessage(), e);
        }
    }

    private ScmRights.Received receive() throws IOException {
        if (Poll.poll(new Fd[] {connection}, new int[] {Poll.POLLIN}, new int[1], WAIT_MILLIS) == 0) {
            throw new IOException("holder " + socket + " did not answer within " + WAIT_MILLIS + " ms");
        }
        ScmRights.Received r = ScmRights.receive(connection, FdHolder.MAX_MESSAGE, 1);
        if (r.isEndOfStream()) {
            r.close();
            throw new IOException("holder " + socket + " hung up");
        }
        return r;
    }

    private void expectOk(String answer, String what) throws IOException {
        if (!FdHolder.OK.equals(answer)) {
            throw new IOException("fd holder " + socket + " refused " + what + ": " + answer);
        }
    }

    private Fd connectOrStart() throws IOException {
        Fd c = tryConnect();
        if (c != null) {
            return c;
        }
        Process holder = start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            c = tryConnect();
            if (c != null) {
                return c;
            }
            if (!holder.isAlive()) {
                // Gone: another holder listens (it leaves that one be), or it failed. The
                // container's notifications wait on this answer, so it comes now, not in 20 s.
                c = tryConnect();
                if (c != null) {
                    return c;
                }
                throw new IOException("fd holder exited with status " + holder.exitValue() + " without listening on "
                        + socket + " (see " + log + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException("fd holder did not listen on " + socket + " within " + WAIT_MILLIS + " ms (see " + log + ")");
    }

    /**
     * A connection to the holder, checked to be of our uid; null when nobody listens. A
     * previous daemon may still be connected: ours waits in the holder's backlog, and the
     * first request is answered once that one hung up.
     */
    private Fd tryConnect() throws IOException {
        Fd c = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.SOCK_CLOEXEC, 0);
        try {
            int errno = Sockets.tryConnect(c, SockAddr.unix(socket.toString()));
            if (errno != 0) {
                c.close();
                return null;
            }
            long peer = Sockets.peerCredentials(c).uid();
            if (peer != Integer.toUnsignedLong(Processes.getuid())) {
                c.close();
                throw new IOException("fd holder socket " + socket + " is served by uid " + peer + ", not by us");
            }
            return c;
        } catch (SyscallException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Starts the holder with this JVM's java and class path; it detaches itself (setsid). */
    private Process start() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_OPTIONS);
        String backend = System.getProperty(Native.PROPERTY);
        if (backend != null && !backend.isEmpty()) {
            command.add("-D" + Native.PROPERTY + "=" + backend);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FdHolder.class.getName());
        command.add(socket.toString());
        return new ProcessBuilder(command).redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
