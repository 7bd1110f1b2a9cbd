package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.BpfInterpreter;
import io.jnerd.seccomp.bpf.SeccompAction;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultProfileTest {

    private static final Arch NATIVE = Arch.current();
    private static final int AUDIT = NATIVE.auditArch();
    private static final SeccompAction EPERM = SeccompAction.errno(Errno.EPERM);
    private static final SeccompAction ALLOW = SeccompAction.allow();
    private static final long CLONE_NEWNET = 0x40000000L;
    private static final long CLONE_THREAD_FLAGS = 0x003d0f00L; // what pthread_create passes
    private static final int AF_INET = 2;
    private static final int AF_ALG = 38;
    private static final int AF_VSOCK = 40;

    private final BpfInterpreter vm = new BpfInterpreter(
            ProfileCompiler.compile(DefaultProfile.get(), ProfileContext.defaults()));

    private int nr(String name) {
        return SyscallTable.get().number(NATIVE, name).orElseThrow();
    }

    private SeccompAction run(String name, long... args) {
        return vm.run(AUDIT, nr(name), args).action();
    }

    @Test
    void everySyscallOfTheNativeTableIsAllowedExactlyWhenTheAllowListNamesIt() {
        Set<String> unconditional = new HashSet<>();
        for (SyscallEntry e : DefaultProfile.get().syscalls()) {
            if (e.args().isEmpty() && e.action().equals("SCMP_ACT_ALLOW")) {
                unconditional.addAll(e.names());
            }
        }
        Set<String> special = Set.of("clone", "clone3", "personality", "socket");
        int highest = 0;
        for (String name : unconditional) {
            highest = Math.max(highest, SyscallTable.get().number(NATIVE, name).orElse(0));
        }
        for (Map.Entry<Integer, String> s : SyscallTable.get().numbers(NATIVE).entrySet()) {
            SeccompAction want = s.getKey() > highest ? SeccompAction.errno(Errno.ENOSYS)
                    : unconditional.contains(s.getValue()) ? ALLOW : EPERM;
            if (!special.contains(s.getValue())) {
                assertEquals(want, vm.run(AUDIT, s.getKey()).action(), s.getValue());
            }
        }
        assertEquals(EPERM, run("mount"));
        assertEquals(EPERM, run("unshare"));
        assertEquals(EPERM, run("setns"));
        assertEquals(EPERM, run("bpf"));
        assertEquals(EPERM, run("kexec_load"));
        assertEquals(ALLOW, run("chroot"), "CAP_SYS_CHROOT is a default capability");
        assertEquals(ALLOW, run("ptrace"));
        assertEquals(SeccompAction.errno(Errno.ENOSYS), vm.run(AUDIT, highest + 1).action(),
                "numbers above the profile's highest look unimplemented");
    }

    @Test
    void cloneMayNotCreateNamespacesAndClone3IsEnosys() {
        assertEquals(ALLOW, run("clone", CLONE_THREAD_FLAGS));
        assertEquals(EPERM, run("clone", CLONE_THREAD_FLAGS | CLONE_NEWNET));
        assertEquals(ALLOW, run("clone", 0x1_0000_0000L | CLONE_THREAD_FLAGS), "the mask covers the low word only");
        assertEquals(EPERM, run("clone", 0x1_0000_0000L | CLONE_NEWNET), "a namespace flag with high bits set");
        assertEquals(SeccompAction.errno(Errno.ENOSYS), run("clone3"));
    }

    @Test
    void refusesIoUringAndAllowsTheSyscallsOfLinux65To613AsDocker29Does() {
        for (String name : new String[] {"io_uring_setup", "io_uring_enter", "io_uring_register"}) {
            assertEquals(EPERM, run(name), name + ": refused since Docker 25");
        }
        for (String name : new String[] {"cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait",
                "futex_requeue", "statmount", "listmount", "mseal", "setxattrat", "getxattrat", "listxattrat",
                "removexattrat"}) {
            assertEquals(ALLOW, run(name), name);
        }
        for (String name : new String[] {"lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
                "set_mempolicy_home_node", "kcmp", "pidfd_getfd", "mount", "open_by_handle_at"}) {
            assertEquals(EPERM, run(name), name + " needs a capability the default set lacks");
        }
        assertEquals(SeccompAction.errno(Errno.ENOSYS), run("file_getattr"),
                "past every syscall the profile names (466, removexattrat)");
    }

    @Test
    void capAddWidensTheRulesAsDockersConditionsSay() {
        Set<String> caps = new HashSet<>(ProfileContext.DEFAULT_CAPABILITIES);
        caps.add("CAP_SYS_PTRACE");
        caps.add("CAP_SYS_NICE");
        BpfInterpreter widened = new BpfInterpreter(ProfileCompiler.compile(
                DefaultProfile.get(ProfileContext.forCapabilities(caps)), ProfileContext.defaults()));
        for (String name : new String[] {"kcmp", "pidfd_getfd", "process_madvise", "set_mempolicy_home_node",
                "mbind"}) {
            assertEquals(ALLOW, widened.run(AUDIT, nr(name)).action(), name);
        }
        assertEquals(EPERM, widened.run(AUDIT, nr("mount")).action());

        caps.add("CAP_SYS_ADMIN");
        SeccompProfile admin = DefaultProfile.get(ProfileContext.forCapabilities(caps));
        BpfInterpreter adminVm = new BpfInterpreter(ProfileCompiler.compile(admin, ProfileContext.defaults()));
        for (String name : new String[] {"mount", "unshare", "setns", "clone3", "lsm_list_modules", "bpf"}) {
            assertEquals(ALLOW, adminVm.run(AUDIT, nr(name)).action(), name);
        }
        assertEquals(ALLOW, adminVm.run(AUDIT, nr("clone"), CLONE_THREAD_FLAGS | CLONE_NEWNET).action());
        assertTrue(admin.syscalls().stream().noneMatch(e -> e.names().contains("clone3")
                && e.action().equals("SCMP_ACT_ERRNO")), "the ENOSYS rule for clone3 is excluded with CAP_SYS_ADMIN");
    }

    @Test
    void theResolvedProfileCarriesNoConditionsForTheRuntimeToIgnore() {
        assertTrue(DefaultProfile.conditional().syscalls().stream().anyMatch(e -> e.includes() != null));
        for (SyscallEntry e : DefaultProfile.get().syscalls()) {
            assertEquals(null, e.includes(), e.names().toString());
            assertEquals(null, e.excludes(), e.names().toString());
        }
        assertTrue(DefaultProfile.get().syscalls().stream().noneMatch(e -> e.names().contains("mount")),
                "a rule for CAP_SYS_ADMIN must not reach runc, which would apply it unconditionally");
    }

    @Test
    void personalityAndSocketFollowTheirArgumentRules() {
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xFFFFFFFFL}) {
            assertEquals(ALLOW, run("personality", persona), "persona " + persona);
        }
        assertEquals(EPERM, run("personality", 1));
        assertEquals(EPERM, run("personality", 0x1_0000_0000L));
        assertEquals(ALLOW, run("socket", AF_INET));
        assertEquals(EPERM, run("socket", AF_ALG), "CVE-2026-31431, refused since Docker 29.4.2");
        assertEquals(ALLOW, run("socket", AF_ALG + 1));
        assertEquals(EPERM, run("socket", AF_VSOCK));
        assertEquals(ALLOW, run("socket", AF_VSOCK + 1));
    }

    @Test
    void socketDecidesOnTheLow32BitsOfTheDomainAsTheKernelReadsIt() {
        long[] high = {0, 0x1_0000_0000L, 0xFFFF_FFFF_0000_0000L};
        long[] low = {0, 1, 2, 10, 16, 31, 32, 37, 38, 39, 40, 41, 45, 46, 63, 64, 1000, 0x7FFF_FFFFL,
                0x8000_0000L, 0xFFFF_FFFFL};
        for (long h : high) {
            for (long l : low) {
                // docker's rule: domain < AF_ALG, == AF_ALG + 1, > AF_VSOCK; on the int the kernel sees.
                boolean allowed = l < AF_ALG || l == AF_ALG + 1 || l > AF_VSOCK;
                assertEquals(allowed ? ALLOW : EPERM, run("socket", h | l), Long.toHexString(h | l));
            }
        }
    }

    @Test
    void otherArchitecturesAndX32AreRefused() {
        int auditArchI386 = 0x40000003;
        assertEquals(EPERM, vm.run(auditArchI386, 3).action());
        if (NATIVE == Arch.X86_64) {
            assertEquals(EPERM, vm.run(AUDIT, 0x40000000 | nr("read")).action());
        }
    }

    @Test
    void listsTheCompatArchitecturesOfEachNativeOne() {
        assertEquals(java.util.List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                DefaultProfile.forArch(Arch.X86_64, ProfileContext.defaults()).architectures());
        assertTrue(DefaultProfile.forArch(Arch.AARCH64, ProfileContext.defaults()).architectures()
                .contains("SCMP_ARCH_ARM"));
    }
}
