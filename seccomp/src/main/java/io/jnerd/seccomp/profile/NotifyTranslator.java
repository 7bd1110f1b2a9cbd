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
        return ProfileValidator.validate(withSoleRule(profile, SyscallEntry.of(List.copyOf(notified), OciNames.ACT_NOTIFY))
                .withListener(listenerPath, listenerMetadata));
    }

    /**
     * {@code rule} as the only rule for its names: they are taken out of every other rule
     * (a rule left without names is dropped) and {@code rule} is appended. Not validated.
     */
    public static SeccompProfile withSoleRule(SeccompProfile profile, SyscallEntry rule) {
        List<SyscallEntry> syscalls = new ArrayList<>();
        for (SyscallEntry entry : profile.syscalls()) {
            List<String> kept = new ArrayList<>(entry.names());
            kept.removeAll(rule.names());
            if (!kept.isEmpty()) {
                syscalls.add(kept.size() == entry.names().size() ? entry : entry.withNames(kept));
            }
        }
        syscalls.add(rule);
        return profile.withSyscalls(syscalls);
    }

    /**
     * Sends {@code name} to the agent only when its argument {@code argIndex} is not 0 (a
     * pointer that is set, e.g. sendto's address): a notify rule with that condition, and
     * every rule the profile had for {@code name} narrowed to the argument being 0. The two
     * conditions exclude each other, so the filter does the same whatever order runc
     * (libseccomp) or jnerd's compiler tries the rules in.
     *
     * @param profile a profile with its listenerPath set ({@link #withNotify})
     */
    public static SeccompProfile withNotifyWhenSet(SeccompProfile profile, String name, int argIndex) {
        if (!SyscallTable.get().isKnown(name)) {
            throw new InvalidProfileException("seccomp notify: unknown syscall \"" + name + "\"");
        }
        List<SyscallEntry> syscalls = new ArrayList<>();
        List<SyscallEntry> whenUnset = new ArrayList<>();
        for (SyscallEntry entry : profile.syscalls()) {
            if (!entry.names().contains(name)) {
                syscalls.add(entry);
                continue;
            }
            if (entry.args().stream().anyMatch(a -> a.index() == argIndex)) {
                throw new InvalidProfileException("seccomp notify: a rule for " + name + " already tests argument "
                        + argIndex + "; cannot notify on it as well");
            }
            List<String> kept = new ArrayList<>(entry.names());
            kept.remove(name);
            if (!kept.isEmpty()) {
                syscalls.add(entry.withNames(kept));
            }
            List<ArgRule> args = new ArrayList<>(entry.args());
            args.add(new ArgRule(argIndex, 0, 0, OciNames.CMP_EQ));
            whenUnset.add(entry.withNames(List.of(name)).withArgs(args));
        }
        syscalls.addAll(whenUnset);
        syscalls.add(SyscallEntry.of(List.of(name), OciNames.ACT_NOTIFY)
                .withArgs(List.of(new ArgRule(argIndex, 0, 0, OciNames.CMP_NE))));
        return ProfileValidator.validate(profile.withSyscalls(syscalls));
    }
}
