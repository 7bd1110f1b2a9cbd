package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SeccompData;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.SeccompAction;

/** Checks a profile the way runc would before it starts a container, one clear line per problem. */
public final class ProfileValidator {

    private ProfileValidator() {}

    /** Returns {@code profile} if it is usable, else throws naming the first problem. */
    public static SeccompProfile validate(SeccompProfile profile) {
        if (profile.defaultAction() == null) {
            throw new InvalidProfileException("seccomp profile: defaultAction missing");
        }
        action(profile.defaultAction(), "defaultAction");
        errno(profile.defaultErrnoRet(), "defaultErrnoRet");
        for (String arch : profile.architectures()) {
            if (!OciNames.isArchitecture(arch)) {
                throw new InvalidProfileException("seccomp profile: unknown architecture \"" + arch + "\"");
            }
        }
        for (ArchMapEntry e : profile.archMap()) {
            if (!OciNames.isArchitecture(e.architecture())) {
                throw new InvalidProfileException("seccomp profile: unknown architecture \"" + e.architecture()
                        + "\" in archMap");
            }
        }
        for (String flag : profile.flags()) {
            if (!OciNames.isFlag(flag)) {
                throw new InvalidProfileException("seccomp profile: unknown flag \"" + flag + "\"");
            }
        }
        boolean notifies = OciNames.ACT_NOTIFY.equals(profile.defaultAction());
        for (int i = 0; i < profile.syscalls().size(); i++) {
            SyscallEntry s = profile.syscalls().get(i);
            String where = "syscalls[" + i + "]";
            if (s.names().isEmpty()) {
                throw new InvalidProfileException("seccomp profile: " + where + " has no names");
            }
            if (s.action() == null) {
                throw new InvalidProfileException("seccomp profile: " + where + " has no action");
            }
            SeccompAction.Kind kind = action(s.action(), where + ".action");
            errno(s.errnoRet(), where + ".errnoRet");
            for (String name : s.names()) {
                if (!SyscallTable.get().isKnown(name)) {
                    throw new InvalidProfileException("seccomp profile: unknown syscall \"" + name + "\" in " + where);
                }
                // runc writes to its sync pipe after loading the filter: a notified write
                // would wait for an agent that only gets the fd after that write.
                if (kind == SeccompAction.Kind.USER_NOTIF && "write".equals(name)) {
                    throw new InvalidProfileException("seccomp profile: SCMP_ACT_NOTIFY cannot be used for write"
                            + " (runc itself writes after loading the filter), in " + where);
                }
            }
            for (ArgRule a : s.args()) {
                if (a.op() == null || OciNames.op(a.op()).isEmpty()) {
                    throw new InvalidProfileException("seccomp profile: unknown operator \"" + a.op() + "\" in "
                            + where + ".args");
                }
                if (a.index() < 0 || a.index() >= SeccompData.ARG_COUNT) {
                    throw new InvalidProfileException("seccomp profile: argument index " + a.index()
                            + " out of range 0..5 in " + where + ".args");
                }
            }
            notifies |= kind == SeccompAction.Kind.USER_NOTIF;
        }
        if (notifies && (profile.listenerPath() == null || profile.listenerPath().isEmpty())) {
            throw new InvalidProfileException("seccomp profile: SCMP_ACT_NOTIFY needs a listenerPath");
        }
        return profile;
    }

    private static SeccompAction.Kind action(String name, String where) {
        return OciNames.action(name).orElseThrow(() ->
                new InvalidProfileException("seccomp profile: unknown action \"" + name + "\" in " + where));
    }

    private static void errno(Integer errno, String where) {
        if (errno != null && (errno < 0 || errno > Seccomp.RET_DATA)) {
            throw new InvalidProfileException("seccomp profile: " + where + " " + errno + " out of range 0..65535");
        }
    }
}
