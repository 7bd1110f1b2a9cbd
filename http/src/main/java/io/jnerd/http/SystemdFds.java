package io.jnerd.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fds systemd passes a service (sd_listen_fds(3)): LISTEN_PID names the process they are
 * for, LISTEN_FDS how many, starting at fd 3, and LISTEN_FDNAMES their names, colon-separated
 * (a socket unit's FileDescriptorName=, or the FDNAME= an fd was stored under with FDSTORE=1).
 * Used by {@code jnerd daemon} (socket activation) and bypassd (its fd store).
 */
public final class SystemdFds {

    /** sd_listen_fds(3): the first passed fd. */
    public static final int LISTEN_FDS_START = 3;

    private SystemdFds() {}

    /** LISTEN_PID names this process and LISTEN_FDS at least one fd. */
    public static boolean passed(Map<String, String> env) {
        String pid = env.get("LISTEN_PID");
        String fds = env.get("LISTEN_FDS");
        return pid != null && fds != null && pid.equals(Long.toString(ProcessHandle.current().pid()))
                && fds.matches("[1-9][0-9]{0,5}");
    }

    /**
     * The passed fds by number, each with its name ("unknown" where LISTEN_FDNAMES names none,
     * as sd_listen_fds_with_names(3) says); empty when nothing was passed to this process.
     */
    public static Map<Integer, String> named(Map<String, String> env) {
        Map<Integer, String> out = new LinkedHashMap<>();
        if (!passed(env)) {
            return out;
        }
        int count = Integer.parseInt(env.get("LISTEN_FDS"));
        String names = env.get("LISTEN_FDNAMES");
        String[] split = names == null || names.isEmpty() ? new String[0] : names.split(":", -1);
        for (int i = 0; i < count; i++) {
            out.put(LISTEN_FDS_START + i, i < split.length && !split[i].isEmpty() ? split[i] : "unknown");
        }
        return out;
    }
}
