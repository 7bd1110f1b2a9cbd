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
    void personalityAndSocketFollowTheirArgumentRules() {
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xFFFFFFFFL}) {
            assertEquals(ALLOW, run("personality", persona), "persona " + persona);
        }
        assertEquals(EPERM, run("personality", 1));
        assertEquals(EPERM, run("personality", 0x1_0000_0000L));
        assertEquals(ALLOW, run("socket", AF_INET));
        assertEquals(EPERM, run("socket", AF_VSOCK));
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
                DefaultProfile.forArch(Arch.X86_64).architectures());
        assertTrue(DefaultProfile.forArch(Arch.AARCH64).architectures().contains("SCMP_ARCH_ARM"));
    }
}
