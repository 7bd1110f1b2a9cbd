package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.BpfInterpreter;
import io.jnerd.seccomp.bpf.SeccompAction;
import io.jnerd.seccomp.bpf.SeccompFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileCompilerTest {

    private static final Arch NATIVE = Arch.current();
    private static final Arch OTHER = NATIVE == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;

    private static SeccompProfile profile(String defaultAction, List<String> arches, SyscallEntry... entries) {
        return new SeccompProfile(defaultAction, null, arches, null, null, null, null, List.of(entries));
    }

    private static int nr(Arch arch, String name) {
        return SyscallTable.get().number(arch, name).orElseThrow();
    }

    @Test
    void theNativeArchitectureIsAlwaysFilteredAndListedOnesAreAdded() {
        SeccompProfile onlyCompat = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86"));
        assertEquals(Set.of(NATIVE), ProfileCompiler.compiledArches(onlyCompat));
        SeccompProfile both = profile("SCMP_ACT_ALLOW", List.of(OciNames.architectureName(OTHER)));
        assertEquals(Set.of(Arch.X86_64, Arch.AARCH64), ProfileCompiler.compiledArches(both));
    }

    @Test
    void namesMissingOnAnArchitectureAreSkippedThere() {
        SeccompProfile p = profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"),
                SyscallEntry.of(List.of("arch_prctl", "renameat", "chown32"), "SCMP_ACT_ALLOW"));
        SeccompFilter f = ProfileCompiler.toFilter(p, ProfileContext.defaults());
        assertEquals(Set.of(nr(Arch.X86_64, "arch_prctl"), nr(Arch.X86_64, "renameat")),
                f.rules(Arch.X86_64).keySet());
        assertEquals(Set.of(nr(Arch.AARCH64, "renameat")), f.rules(Arch.AARCH64).keySet());
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        assertEquals(SeccompAction.allow(), vm.run(Arch.AARCH64.auditArch(), 38).action(), "renameat on aarch64");
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.AARCH64.auditArch(), 37).action(), "linkat");
    }

    @Test
    void includesAndExcludesFollowCapabilitiesArchitecturesAndKernel() {
        SyscallEntry adminOnly = new SyscallEntry(List.of("mount"), "SCMP_ACT_ALLOW", null, null, null,
                new RuleCondition(List.of("CAP_SYS_ADMIN"), null, "4.8"), null);
        SyscallEntry notOnThisArch = new SyscallEntry(List.of("umount2"), "SCMP_ACT_ALLOW", null, null, null, null,
                new RuleCondition(null, List.of(NATIVE.ociPlatform()), null));
        SyscallEntry futureKernel = new SyscallEntry(List.of("setns"), "SCMP_ACT_ALLOW", null, null, null,
                new RuleCondition(null, null, "99.0"), null);
        SyscallEntry highest = SyscallEntry.of(List.of("futex_waitv"), "SCMP_ACT_ALLOW");
        SeccompProfile p = profile("SCMP_ACT_ERRNO", List.of(), adminOnly, notOnThisArch, futureKernel, highest);
        BpfInterpreter plain = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        BpfInterpreter admin = new BpfInterpreter(ProfileCompiler.compile(p,
                new ProfileContext(Set.of("CAP_SYS_ADMIN"), "6.1.0-13-amd64")));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.errno(Errno.EPERM), plain.run(audit, nr(NATIVE, "mount")).action());
        assertEquals(SeccompAction.allow(), admin.run(audit, nr(NATIVE, "mount")).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), admin.run(audit, nr(NATIVE, "umount2")).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), admin.run(audit, nr(NATIVE, "setns")).action());
    }

    @Test
    void conditionsOnTheSameArgumentAreAlternativesLikeRunc() {
        SyscallEntry twoOnArg0 = new SyscallEntry(List.of("personality"), "SCMP_ACT_ALLOW", null,
                List.of(new ArgRule(0, 8, 0, "SCMP_CMP_EQ"), new ArgRule(0, 0, 0, "SCMP_CMP_EQ")), null, null, null);
        SyscallEntry bothArgs = new SyscallEntry(List.of("fcntl"), "SCMP_ACT_LOG", null,
                List.of(new ArgRule(0, 3, 0, "SCMP_CMP_GE"), new ArgRule(1, 4, 0, "SCMP_CMP_EQ")), null, null, null);
        SeccompProfile p = profile("SCMP_ACT_ERRNO", List.of(), twoOnArg0, bothArgs);
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.allow(), vm.run(audit, nr(NATIVE, "personality"), 8).action());
        assertEquals(SeccompAction.allow(), vm.run(audit, nr(NATIVE, "personality"), 0).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(audit, nr(NATIVE, "personality"), 1).action());
        assertEquals(SeccompAction.log(), vm.run(audit, nr(NATIVE, "fcntl"), 3, 4).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(audit, nr(NATIVE, "fcntl"), 2, 4).action());
    }

    @Test
    void errnoAndTraceDefaultToEpermAndAllowingProfilesGetNoEnosys() {
        SeccompProfile p = new SeccompProfile("SCMP_ACT_ALLOW", null, null, null, null, null, null, List.of(
                SyscallEntry.of(List.of("mount"), "SCMP_ACT_ERRNO"),
                SyscallEntry.of(List.of("umount2"), "SCMP_ACT_TRACE")));
        SeccompFilter f = ProfileCompiler.toFilter(p, ProfileContext.defaults());
        assertTrue(f.enosysAbove(NATIVE).isEmpty());
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(audit, nr(NATIVE, "mount")).action());
        assertEquals(SeccompAction.trace(Errno.EPERM), vm.run(audit, nr(NATIVE, "umount2")).action());
        assertEquals(SeccompAction.allow(), vm.run(audit, 1000).action());
    }

    @Test
    void conflictingUnconditionalActionsNameTheSyscall() {
        SeccompProfile p = profile("SCMP_ACT_ERRNO", List.of(),
                SyscallEntry.of(List.of("getpid"), "SCMP_ACT_ALLOW"),
                SyscallEntry.of(List.of("getpid"), "SCMP_ACT_LOG"));
        InvalidProfileException e = assertThrows(InvalidProfileException.class,
                () -> ProfileCompiler.compile(p, ProfileContext.defaults()));
        assertTrue(e.getMessage().contains("\"getpid\""), e.getMessage());
    }
}
