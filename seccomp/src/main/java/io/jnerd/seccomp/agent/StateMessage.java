package io.jnerd.seccomp.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnerd.nativebindings.Fd;
import io.jnerd.seccomp.ContainerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * The message a runtime sends to {@code listenerPath}: the container state JSON (runc compact,
 * crun pretty-printed) with the fds it names in {@code fds}. Finds the listener among them.
 */
final class StateMessage {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StateMessage() {}

    /**
     * The state, once {@code json} holds all of it. runc 1.1 keeps the connection open after
     * sending (the container's process holds it), so the end of the message is the end of
     * the JSON value, not the end of the stream.
     *
     * @return empty while the JSON is incomplete
     * @throws RejectedConnection when it cannot become valid JSON
     */
    static Optional<ContainerState> parse(byte[] json, int length) throws RejectedConnection {
        if (new String(json, 0, length, StandardCharsets.UTF_8).isBlank()) {
            return Optional.empty();
        }
        try {
            ContainerState state = MAPPER.readValue(json, 0, length, ContainerState.class);
            if (state == null) {
                throw new RejectedConnection("state message is JSON null");
            }
            return Optional.of(state);
        } catch (JsonProcessingException e) {
            if (endsEarly(e)) {
                return Optional.empty();
            }
            JsonLocation at = e.getLocation();
            throw new RejectedConnection("malformed state JSON: " + e.getOriginalMessage().replace('\n', ' ')
                    + (at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr()));
        } catch (IOException e) {
            throw new RejectedConnection("unreadable state JSON: " + e.getMessage());
        }
    }

    /** Whether parsing failed only because the input ended (databind wraps the parser's exception). */
    private static boolean endsEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonEOFException) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code state} with its bundle as this process can open it. The bundle path is the
     * runtime's: rootless, runc runs in rootlesskit's mount namespace, where /run/containerd
     * is the user's own state dir, not the host's. So when the runtime is in another mount
     * namespace, the bundle is reached through a root in that namespace
     * ({@code /proc/PID/root}). runc 1.1 does not wait for the agent: it sends the state and
     * goes on, and may have exited by the time the message is read (seen under load: every
     * rootless bypass then read nothing and switched nothing). So a longer-lived process of
     * the same namespace is tried first: the peer's parent (the shim that ran runc), the peer,
     * then the parent and grandparent of the container's process (runc, or the shim as its
     * subreaper once runc exited). The first outside this process's own mount namespace
     * through which the bundle's config.json is there now wins; with none, the path as given.
     */
    static ContainerState bundleSeenFrom(ContainerState state, int peerPid) {
        ContainerState.State s = state.state();
        if (s == null || s.bundle() == null || !s.bundle().startsWith("/")) {
            return state;
        }
        Path self = mountNamespace((int) ProcessHandle.current().pid());
        if (self == null || self.equals(mountNamespace(peerPid))) {
            return state;
        }
        int init = s.pid() > 0 ? s.pid() : state.pid();
        Set<Integer> candidates = new LinkedHashSet<>(List.of(parentOf(peerPid), peerPid, parentOf(init),
                parentOf(parentOf(init))));
        for (int pid : candidates) {
            Path ns = mountNamespace(pid);
            // One of ours proves nothing about the runtime's namespace (the peer's parent in a test).
            if (pid <= 1 || ns == null || ns.equals(self)) {
                continue;
            }
            String seen = "/proc/" + pid + "/root" + s.bundle();
            if (Files.isRegularFile(Path.of(seen, "config.json"), LinkOption.NOFOLLOW_LINKS)) {
                return new ContainerState(state.ociVersion(), state.fds(), state.pid(), state.metadata(),
                        new ContainerState.State(s.ociVersion(), s.id(), s.status(), s.pid(), seen, s.annotations()));
            }
        }
        return state;
    }

    /** The mount namespace of {@code pid} (its /proc/PID/ns/mnt link), or null when it is gone or not ours to see. */
    private static Path mountNamespace(int pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "mnt"));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The parent of {@code pid} (the PPid line of /proc/PID/status), or 0 when it is gone or unknown. */
    private static int parentOf(int pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("PPid:")) {
                    return Integer.parseInt(line.substring("PPid:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not a number: no parent to try
        }
        return 0;
    }

    /** The index of the listener among {@code received}, checked to be a seccomp listener. */
    static int listenerIndex(ContainerState state, List<Fd> received) throws RejectedConnection {
        int index = state.fds().indexOf(ContainerState.SECCOMP_FD_NAME);
        if (index < 0) {
            throw new RejectedConnection("state of container " + state.containerId() + " names no \""
                    + ContainerState.SECCOMP_FD_NAME + "\" in fds " + state.fds() + " (" + received.size()
                    + " fds received)");
        }
        if (index >= received.size()) {
            throw new RejectedConnection("state of container " + state.containerId() + " puts "
                    + ContainerState.SECCOMP_FD_NAME + " at index " + index + " but " + received.size()
                    + " fds arrived");
        }
        if (!ListenerFds.isListener(received.get(index))) {
            throw new RejectedConnection("fd sent as " + ContainerState.SECCOMP_FD_NAME + " by container "
                    + state.containerId() + " is " + ListenerFds.kindOf(received.get(index)) + ", not a seccomp listener");
        }
        return index;
    }
}
