package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies the {@link CopiedOption}s from the container's socket to the host socket: an
 * option is set only when the container's value differs from the value a new host socket
 * of the same kind starts with, so an option the container left alone stays at the host's
 * default (for SO_SNDBUF and SO_RCVBUF that keeps autotuning on).
 *
 * <p>SO_SNDBUF and SO_RCVBUF of the container's socket come from one SO_MEMINFO read (the
 * same two values, Linux 4.12): one getsockopt fewer per switch.
 *
 * <p>Those start values are read once per kind, from a probe socket, not from each new host
 * socket: that halves the getsockopt calls of a switch, which are most of its syscalls. A new
 * socket's options depend only on its kind and on the agent's network namespace, whose
 * sysctls (net.ipv4.tcp_rmem and the like) rarely change; if one does, an untouched
 * option still stays untouched and takes the new default.
 *
 * <p>Every switched connect runs this (17 options for TCP over IPv4), so one copy reads all
 * of them through one array and makes no object unless an option fails.
 */
final class OptionCopier {

    /** The options of one kind and the value each has on a new host socket (null: unreadable). */
    private record Defaults(List<CopiedOption> options, byte[][] values) {}

    private static final Map<SocketKind, Defaults> HOST_DEFAULTS = new ConcurrentHashMap<>();
    /** Room for the largest {@link CopiedOption} (struct timeval). */
    private static final int MAX_SIZE = 16;

    private OptionCopier() {}

    /**
     * Sets on {@code host}, a new socket of {@code kind}, every option whose value on
     * {@code container} differs from a new socket's.
     *
     * @return one line per option that could not be copied (empty when all were)
     */
    static List<String> copy(Fd container, Fd host, SocketKind kind) throws SyscallException {
        Defaults d = hostDefaults(kind);
        List<CopiedOption> options = d.options();
        byte[][] defaults = d.values();
        List<String> failed = null;
        byte[] value = new byte[MAX_SIZE];
        byte[] memInfo = null;
        for (int i = 0; i < options.size(); i++) {
            CopiedOption o = options.get(i);
            try {
                int length;
                if (o.memInfoSlot() >= 0) {
                    if (memInfo == null) {
                        memInfo = new byte[Sockets.SK_MEMINFO_SIZE];
                        Sockets.getOption(container, Sockets.SOL_SOCKET, Sockets.SO_MEMINFO, memInfo, memInfo.length);
                    }
                    length = Integer.BYTES;
                    System.arraycopy(memInfo, o.memInfoSlot() * Integer.BYTES, value, 0, length);
                } else {
                    length = Sockets.getOption(container, o.level(), o.optionName(), value, o.size());
                }
                byte[] have = defaults[i] != null ? defaults[i]
                        : Sockets.getOption(host, o.level(), o.optionName(), o.size());
                if (!Arrays.equals(value, 0, length, have, 0, have.length)) {
                    o.makeSettable(value);
                    Sockets.setOption(host, o.level(), o.optionName(), value, length);
                }
            } catch (SyscallException e) {
                if (failed == null) {
                    failed = new ArrayList<>();
                }
                failed.add(o + ": " + e.getMessage());
            }
        }
        return failed == null ? List.of() : failed;
    }

    private static Defaults hostDefaults(SocketKind kind) throws SyscallException {
        Defaults known = HOST_DEFAULTS.get(kind);
        if (known != null) {
            return known;
        }
        List<CopiedOption> options = CopiedOption.forKind(kind);
        byte[][] read = new byte[options.size()][];
        try (Fd probe = Sockets.socket(kind.family(), kind.type() | Sockets.SOCK_CLOEXEC, kind.protocol())) {
            for (int i = 0; i < read.length; i++) {
                CopiedOption o = options.get(i);
                try {
                    read[i] = Sockets.getOption(probe, o.level(), o.optionName(), o.size());
                } catch (SyscallException e) {
                    read[i] = null;
                }
            }
        }
        Defaults d = new Defaults(options, read);
        HOST_DEFAULTS.putIfAbsent(kind, d);
        return d;
    }
}
