package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.ArgCondition;
import io.jnerd.seccomp.bpf.BpfProgram;
import io.jnerd.seccomp.bpf.FilterCompiler;
import io.jnerd.seccomp.bpf.SeccompAction;
import io.jnerd.seccomp.bpf.SeccompFilter;
import io.jnerd.seccomp.bpf.SyscallRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Translates an OCI seccomp profile into a filter with runc's semantics:
 * <ul>
 * <li>the native architecture is always filtered (libseccomp adds it), plus the listed ones
 *     jnerd has tables for; other listed architectures (SCMP_ARCH_X86, X32, ARM) and every
 *     unlisted one get the default action;</li>
 * <li>a name the architecture lacks is skipped (libseccomp does the same);</li>
 * <li>SCMP_ACT_ERRNO and SCMP_ACT_TRACE without errnoRet use EPERM;</li>
 * <li>conditions of one rule on the same argument index become separate rules (an OR), as
 *     runc does because libseccomp cannot AND two conditions on one argument;</li>
 * <li>unless the default action allows, syscalls numbered above every syscall the profile
 *     names return ENOSYS, so libc falls back from syscalls newer than the profile;</li>
 * <li>docker's includes/excludes are resolved against a {@link ProfileContext}, per compiled
 *     architecture ({@link ProfileResolver#applies}).</li>
 * </ul>
 */
public final class ProfileCompiler {

    private ProfileCompiler() {}

    public static BpfProgram compile(SeccompProfile profile, ProfileContext context) {
        return FilterCompiler.compile(toFilter(profile, context));
    }

    public static SeccompFilter toFilter(SeccompProfile profile, ProfileContext context) {
        ProfileValidator.validate(profile);
        SeccompAction defaultAction = action(profile.defaultAction(), profile.defaultErrnoRet());
        SeccompFilter.Builder b = SeccompFilter.builder(defaultAction);
        for (Arch arch : compiledArches(profile)) {
            b.arch(arch);
            int highest = -1;
            for (SyscallEntry entry : profile.syscalls()) {
                if (!ProfileResolver.applies(entry, arch.ociPlatform(), context)) {
                    continue;
                }
                SeccompAction action = action(entry.action(), entry.errnoRet());
                List<SyscallRule> rules = rules(entry, action);
                for (String name : entry.names()) {
                    OptionalInt nr = SyscallTable.get().number(arch, name);
                    if (nr.isEmpty()) {
                        continue;
                    }
                    highest = Math.max(highest, nr.getAsInt());
                    for (SyscallRule rule : rules) {
                        try {
                            b.rule(arch, nr.getAsInt(), rule);
                        } catch (IllegalArgumentException e) {
                            throw new InvalidProfileException("seccomp profile: syscall \"" + name + "\" has two"
                                    + " rules without arguments and different actions on " + arch.kernelName());
                        }
                    }
                }
            }
            SeccompAction.Kind kind = defaultAction.kind();
            if (highest >= 0 && kind != SeccompAction.Kind.ALLOW && kind != SeccompAction.Kind.LOG) {
                b.enosysAbove(arch, highest);
            }
        }
        return b.build();
    }

    /** The native architecture and every listed one jnerd has tables for. */
    static Set<Arch> compiledArches(SeccompProfile profile) {
        Arch nativeArch = Arch.current();
        Set<Arch> arches = EnumSet.of(nativeArch);
        for (String name : ProfileResolver.architectures(profile, nativeArch)) {
            OciNames.compiledArch(name).ifPresent(arches::add);
        }
        return arches;
    }

    private static List<SyscallRule> rules(SyscallEntry entry, SeccompAction action) {
        List<ArgCondition> conditions = new ArrayList<>();
        Set<Integer> indexes = new HashSet<>();
        boolean repeatedIndex = false;
        for (ArgRule a : entry.args()) {
            conditions.add(new ArgCondition(a.index(), OciNames.op(a.op()).orElseThrow(), a.value(), a.valueTwo()));
            repeatedIndex |= !indexes.add(a.index());
        }
        if (!repeatedIndex) {
            return List.of(new SyscallRule(conditions, action));
        }
        List<SyscallRule> alternatives = new ArrayList<>();
        for (ArgCondition c : conditions) {
            alternatives.add(SyscallRule.when(action, c));
        }
        return alternatives;
    }

    private static SeccompAction action(String name, Integer errnoRet) {
        SeccompAction.Kind kind = OciNames.action(name).orElseThrow();
        int data = errnoRet != null ? errnoRet : Errno.EPERM;
        return kind == SeccompAction.Kind.ERRNO || kind == SeccompAction.Kind.TRACE
                ? new SeccompAction(kind, data)
                : new SeccompAction(kind, 0);
    }
}
