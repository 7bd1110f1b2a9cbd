package io.jnerd.netns.bypassd;

import io.jnerd.http.SystemdFds;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * systemd's file-descriptor store (systemd 219; sd_notify(3), sd_pid_notify_with_fds): each
 * listener goes to the service manager with {@code FDSTORE=1} and {@code FDNAME=name} over
 * $NOTIFY_SOCKET, and comes back to the next start of the unit in LISTEN_FDS /
 * LISTEN_FDNAMES. The unit must allow it ({@code FileDescriptorStoreMax=}, {@code
 * NotifyAccess=}); {@code FileDescriptorStorePreserve=yes} (systemd 254) keeps the store over
 * a stop as well as a restart. systemd drops a stored fd by itself once it reports POLLHUP,
 * which a listener does when its container is gone.
 */
final class SystemdFdStore implements ListenerStore {

    private final String notifySocket;
    private final Map<String, String> env;

    private SystemdFdStore(String notifySocket, Map<String, String> env) {
        this.notifySocket = notifySocket;
        this.env = env;
    }

    /**
     * The store of the unit this process is the main process of, or null. NOTIFY_SOCKET is
     * inherited by every child of a Type=notify service, so where systemd says which pid it
     * started (SYSTEMD_EXEC_PID, systemd 248) it must be this one.
     */
    static SystemdFdStore of(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        String execPid = env.get("SYSTEMD_EXEC_PID");
        if (socket == null || socket.isEmpty()
                || (execPid != null && !execPid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        return new SystemdFdStore(socket, Map.copyOf(env));
    }

    @Override
    public Map<String, Fd> takeAll() {
        Map<String, Fd> out = new LinkedHashMap<>();
        SystemdFds.named(env).forEach((fd, name) -> out.put(name, Fd.adopt(fd)));
        return out;
    }

    @Override
    public void keep(String name, Fd fd) throws IOException {
        if (!ListenerStore.validName(name)) {
            throw new IllegalArgumentException("fd name \"" + name + "\" is not printable ASCII without ':' or spaces");
        }
        send("FDSTORE=1\nFDNAME=" + name + "\n", List.of(fd));
    }

    @Override
    public void forget(String name) throws IOException {
        send("FDSTOREREMOVE=1\nFDNAME=" + name + "\n", List.of());
    }

    /** {@code READY=1}: for a Type=notify unit, the daemon serves. */
    void ready() throws IOException {
        send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\n", List.of());
    }

    @Override
    public void close() {
    }

    /** One datagram to $NOTIFY_SOCKET: a path, or an abstract name written with a leading '@'. */
    void send(String message, List<Fd> fds) throws IOException {
        SockAddr address = notifySocket.startsWith("@") ? SockAddr.abstractUnix(notifySocket.substring(1))
                : SockAddr.unix(notifySocket);
        try (Fd socket = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(socket, address);
            ScmRights.send(socket, message.getBytes(StandardCharsets.UTF_8), fds);
        } catch (IOException e) {
            throw new IOException("sd_notify to " + notifySocket + ": " + e.getMessage(), e);
        }
    }
}
