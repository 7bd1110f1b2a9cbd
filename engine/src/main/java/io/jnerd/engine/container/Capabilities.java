package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Linux capabilities for the container's process: containerd's default set, with --cap-add/--cap-drop. */
public final class Capabilities {
    /** containerd's (and docker's) default capability set for a container. */
    public static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    /** Every capability up to CAP_CHECKPOINT_RESTORE (Linux 5.9), for "ALL". */
    public static final List<String> ALL = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {}

    /**
     * docker's rule: start from the default set, or from every capability if "ALL" is
     * added, or from none if "ALL" is dropped; then remove the named drops and add the
     * named adds (so "--cap-drop ALL --cap-add X" gives exactly X).
     */
    public static List<String> compute(List<String> add, List<String> drop) {
        List<String> adds = canonical(add);
        List<String> drops = canonical(drop);
        Set<String> caps = new LinkedHashSet<>(adds.contains("CAP_ALL") ? ALL : DEFAULT);
        if (drops.contains("CAP_ALL")) {
            caps.clear();
        }
        caps.removeAll(drops);
        for (String a : adds) {
            if (!a.equals("CAP_ALL")) {
                caps.add(a);
            }
        }
        return List.copyOf(caps);
    }

    /** {@link #compute} for user input: an unknown name is a one-line {@link JnerdException}. */
    public static List<String> fromOptions(List<String> add, List<String> drop) throws JnerdException {
        try {
            return compute(add, drop);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
    }

    private static List<String> canonical(List<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEach(n -> out.add(canonical(n)));
        return out;
    }

    static String canonical(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        String c = n.startsWith("CAP_") ? n : "CAP_" + n;
        if (!c.equals("CAP_ALL") && !ALL.contains(c)) {
            throw new IllegalArgumentException("unknown capability: " + name);
        }
        return c;
    }
}
