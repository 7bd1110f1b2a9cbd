package io.jnerd.seccomp.profile;

import io.jnerd.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a profile into one whose given syscalls go to a seccomp agent: one SCMP_ACT_NOTIFY
 * rule for all of them, the names taken out of every other rule (a rule left without names is
 * dropped), and the listener set. This is what nerdctl does to a profile for bypass4netns.
 */
public final class NotifyTranslator {

    private NotifyTranslator() {}

    /**
     * @param names syscalls the agent decides on, e.g. connect and bind
     * @param listenerPath the agent's unix socket (runc connects to it)
     * @param listenerMetadata passed to the agent verbatim in the state message; may be null
     */
    public static SeccompProfile withNotify(SeccompProfile profile, Collection<String> names, String listenerPath,
            String listenerMetadata) {
        if (names.isEmpty()) {
            throw new InvalidProfileException("seccomp notify: no syscalls to notify");
        }
        for (String name : names) {
            if (!SyscallTable.get().isKnown(name)) {
                throw new InvalidProfileException("seccomp notify: unknown syscall \"" + name + "\"");
            }
        }
        Set<String> notified = new TreeSet<>(names);
        List<SyscallEntry> syscalls = new ArrayList<>();
        for (SyscallEntry entry : profile.syscalls()) {
            List<String> kept = new ArrayList<>(entry.names());
            kept.removeAll(notified);
            if (!kept.isEmpty()) {
                syscalls.add(kept.size() == entry.names().size() ? entry : entry.withNames(kept));
            }
        }
        syscalls.add(SyscallEntry.of(List.copyOf(notified), OciNames.ACT_NOTIFY));
        return ProfileValidator.validate(profile.withSyscalls(syscalls).withListener(listenerPath, listenerMetadata));
    }
}
