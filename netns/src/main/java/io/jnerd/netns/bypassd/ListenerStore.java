package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import java.io.IOException;
import java.util.Map;

/**
 * Where bypassd keeps a copy of each container's seccomp listener so that the listener
 * outlives the daemon: while any copy is open the kernel keeps the listener's pending
 * notifications and the container's notified calls simply wait, so a restarted daemon that
 * takes the copies back serves them as if nothing happened. Under systemd that is the unit's
 * file-descriptor store ({@link SystemdFdStore}); without it a small holder process
 * ({@link FdHolderStore}, {@link FdHolder}). Names are printable ASCII without spaces or ':'
 * (systemd's FDNAME rule), at most {@link #MAX_NAME} characters.
 */
interface ListenerStore extends AutoCloseable {

    int MAX_NAME = 255;

    /** The copies kept before this daemon started, by name; each returned fd is the caller's. Called once. */
    Map<String, Fd> takeAll() throws IOException;

    /** Keeps a copy of {@code fd} (the caller's fd stays the caller's) under {@code name}. */
    void keep(String name, Fd fd) throws IOException;

    /** Closes the copy kept under {@code name}, if any. */
    void forget(String name) throws IOException;

    /** This daemon's side only: whatever is kept stays kept. */
    @Override
    void close();

    /** Keeps nothing: a bypass served in its client's process ends with it anyway. */
    static ListenerStore none() {
        return new ListenerStore() {
            @Override
            public Map<String, Fd> takeAll() {
                return Map.of();
            }

            @Override
            public void keep(String name, Fd fd) {
            }

            @Override
            public void forget(String name) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** Whether {@code name} is a name a store takes. */
    static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == ':') {
                return false;
            }
        }
        return true;
    }
}
