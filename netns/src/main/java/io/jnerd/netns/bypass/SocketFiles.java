package io.jnerd.netns.bypass;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The owners that AF_UNIX socket files made by the agent's bind should have had, where the
 * agent could not give them away: rootless, the agent has no CAP_CHOWN for the subordinate
 * ids of a non-root container user, so the file stays the agent's (the container's root).
 * The agent's own permission check of a later connect or sendto ({@link PinnedAddress})
 * then takes the recorded owner, so the user who bound the socket can still reach it with
 * the mode its umask gave, and nobody else gets more than that mode lets them. One per
 * container; the oldest entries go beyond {@value #MAX_ENTRIES} (a file of an evicted entry
 * is judged by its real owner: stricter, never looser).
 */
final class SocketFiles {

    static final int MAX_ENTRIES = 4096;

    /** The ids to judge a file by. */
    record Owner(long uid, long gid) {}

    private final Map<String, Owner> owners = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized void record(long dev, long ino, long uid, long gid) {
        owners.put(dev + ":" + ino, new Owner(uid, gid));
    }

    /** The recorded owner of the file {@code dev}/{@code ino}, or null: its real one counts. */
    synchronized Owner owner(long dev, long ino) {
        return owners.get(dev + ":" + ino);
    }
}
