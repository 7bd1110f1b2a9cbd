package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The holder: a process of its own (its own session, so a terminal's ^C or a kill of
 * bypassd's process group spares it) that keeps a copy of each seccomp listener bypassd hands
 * it, so the listeners outlive a bypassd that is stopped or killed, and hands them back to the
 * next one. bypassd starts it when it first has a listener to keep ({@link FdHolderStore}); it
 * ends once it holds nothing and no bypassd is connected.
 *
 * <p>It serves one bypassd at a time on a SOCK_SEQPACKET unix socket, 0600 in a 0700
 * directory, and talks only to a peer of its own uid (SO_PEERCRED, set by the kernel at
 * connect): a listener fd lets its holder answer the container's syscalls, so another user,
 * or a container, must never get one. A second bypassd waits in the backlog until the first
 * hangs up, which orders a restart's hand-over by itself. One request, one answer:
 * <pre>
 *   KEEP name  + 1 fd   → OK | ERR reason
 *   DROP name           → OK
 *   LIST                → (FD name + 1 fd)* then END
 * </pre>
 * A kept listener whose container is gone (POLLHUP: no task uses the filter) is closed at
 * once, connected or not.
 */
public final class FdHolder {

    static final String KEEP = "KEEP ";
    static final String DROP = "DROP ";
    static final String LIST = "LIST";
    static final String FD = "FD ";
    static final String END = "END";
    static final String OK = "OK";
    static final String ERR = "ERR ";
    /** A request is a verb and a name: a few hundred bytes. */
    static final int MAX_MESSAGE = 512;
    /** Copies held at most: well beyond the containers of one user, well below the fd limit. */
    static final int MAX_HELD = 16_384;

    private final Fd server;
    private final Map<String, Fd> held = new LinkedHashMap<>();
    private final int uid = Processes.getuid();

    private FdHolder(Fd server) {
        this.server = server;
    }

    /** args[0]: the socket to serve. */
    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        try {
            Processes.setsid();
        } catch (SyscallException alreadyLeader) {
            // Started as a group leader already: its own session is all the same.
        }
        Fd server = bind(socket);
        if (server == null) {
            return;
        }
        try {
            new FdHolder(server).serve();
        } finally {
            Files.deleteIfExists(socket);
            server.close();
        }
    }

    /** Binds {@code socket}, replacing a stale one; null when a live holder already serves it. */
    static Fd bind(Path socket) throws IOException {
        Fd fd = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.SOCK_CLOEXEC, 0);
        try {
            try {
                Sockets.bind(fd, SockAddr.unix(socket.toString()));
            } catch (SyscallException e) {
                if (e.errno() != Errno.EADDRINUSE) {
                    throw e;
                }
                try (Fd probe = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.SOCK_CLOEXEC, 0)) {
                    if (Sockets.tryConnect(probe, SockAddr.unix(socket.toString())) == 0) {
                        fd.close();
                        return null;
                    }
                }
                // Left by a holder that was killed: nobody listens there.
                Files.deleteIfExists(socket);
                Sockets.bind(fd, SockAddr.unix(socket.toString()));
            }
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Sockets.listen(fd, 16);
            return fd;
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    private void serve() throws IOException {
        Fd client = null;
        while (true) {
            List<String> names = new ArrayList<>(held.keySet());
            Fd[] fds = new Fd[names.size() + 1];
            int[] events = new int[fds.length];
            int[] revents = new int[fds.length];
            // Listeners are polled for POLLHUP only (events 0): their POLLIN is the daemon's business.
            fds[0] = client == null ? server : client;
            events[0] = Poll.POLLIN;
            for (int i = 0; i < names.size(); i++) {
                fds[i + 1] = held.get(names.get(i));
            }
            Poll.poll(fds, events, revents, -1);
            for (int i = 0; i < names.size(); i++) {
                if ((revents[i + 1] & (Poll.POLLHUP | Poll.POLLERR | Poll.POLLNVAL)) != 0) {
                    held.remove(names.get(i)).close();
                }
            }
            if (revents[0] != 0) {
                if (client == null) {
                    client = accept();
                } else if (!answer(client)) {
                    client.close();
                    client = null;
                }
            }
            if (client == null && held.isEmpty()) {
                return;
            }
        }
    }

    /** The next connection, if its peer is of our uid; others are closed unanswered. */
    private Fd accept() {
        try {
            Fd c = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
            if (c != null && Sockets.peerCredentials(c).uid() != Integer.toUnsignedLong(uid)) {
                c.close();
                return null;
            }
            return c;
        } catch (SyscallException e) {
            return null;
        }
    }

    /** Answers one request; false when the client hung up or spoke out of turn. */
    private boolean answer(Fd client) {
        try (ScmRights.Received r = ScmRights.receive(client, MAX_MESSAGE, 1)) {
            if (r.isEndOfStream()) {
                return false;
            }
            String request = new String(r.data(), StandardCharsets.US_ASCII);
            if (request.equals(LIST)) {
                for (Map.Entry<String, Fd> e : held.entrySet()) {
                    ScmRights.send(client, (FD + e.getKey()).getBytes(StandardCharsets.US_ASCII), List.of(e.getValue()));
                }
                reply(client, END);
            } else if (request.startsWith(KEEP) && r.fds().size() == 1 && ListenerStore.validName(request.substring(KEEP.length()))) {
                String name = request.substring(KEEP.length());
                if (held.size() >= MAX_HELD && !held.containsKey(name)) {
                    reply(client, ERR + "holding " + MAX_HELD + " fds already");
                } else {
                    Fd old = held.put(name, r.take(0));
                    if (old != null) {
                        old.close();
                    }
                    reply(client, OK);
                }
            } else if (request.startsWith(DROP) && r.fds().isEmpty()) {
                Fd old = held.remove(request.substring(DROP.length()));
                if (old != null) {
                    old.close();
                }
                reply(client, OK);
            } else {
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void reply(Fd client, String text) throws SyscallException {
        ScmRights.send(client, text.getBytes(StandardCharsets.US_ASCII), List.of());
    }
}
