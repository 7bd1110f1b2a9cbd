package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileValidatorTest {

    private static SeccompProfile profile(SyscallEntry... entries) {
        return new SeccompProfile("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"), null, null, null, null,
                List.of(entries));
    }

    private static String error(SeccompProfile p) {
        return assertThrows(InvalidProfileException.class, () -> ProfileValidator.validate(p)).getMessage();
    }

    @Test
    void namesAnUnknownSyscall() {
        assertEquals("seccomp profile: unknown syscall \"conect\" in syscalls[1]", error(profile(
                SyscallEntry.of(List.of("read"), "SCMP_ACT_ALLOW"),
                SyscallEntry.of(List.of("close", "conect"), "SCMP_ACT_ALLOW"))));
    }

    @Test
    void namesAnUnknownActionOperatorOrArchitecture() {
        assertEquals("seccomp profile: unknown action \"SCMP_ACT_ALLOWED\" in syscalls[0].action",
                error(profile(SyscallEntry.of(List.of("read"), "SCMP_ACT_ALLOWED"))));
        assertEquals("seccomp profile: unknown action \"ALLOW\" in defaultAction", error(
                new SeccompProfile("ALLOW", null, null, null, null, null, null, null)));
        SyscallEntry badOp = new SyscallEntry(List.of("fcntl"), "SCMP_ACT_ALLOW", null,
                List.of(new ArgRule(1, 4, 0, "SCMP_CMP_EQUAL")), null, null, null);
        assertEquals("seccomp profile: unknown operator \"SCMP_CMP_EQUAL\" in syscalls[0].args", error(profile(badOp)));
        assertEquals("seccomp profile: unknown architecture \"SCMP_ARCH_Z80\"", error(
                profile().withArchitectures(List.of("SCMP_ARCH_Z80"))));
    }

    @Test
    void refusesOutOfRangeIndexAndErrno() {
        SyscallEntry badIndex = new SyscallEntry(List.of("fcntl"), "SCMP_ACT_ALLOW", null,
                List.of(new ArgRule(6, 4, 0, "SCMP_CMP_EQ")), null, null, null);
        assertEquals("seccomp profile: argument index 6 out of range 0..5 in syscalls[0].args", error(profile(badIndex)));
        SyscallEntry badErrno = new SyscallEntry(List.of("read"), "SCMP_ACT_ERRNO", 70000, null, null, null, null);
        assertEquals("seccomp profile: syscalls[0].errnoRet 70000 out of range 0..65535", error(profile(badErrno)));
    }

    @Test
    void notifyNeedsAListenerAndNeverCoversWrite() {
        assertEquals("seccomp profile: SCMP_ACT_NOTIFY needs a listenerPath",
                error(profile(SyscallEntry.of(List.of("connect"), "SCMP_ACT_NOTIFY"))));
        SeccompProfile notifyWrite = profile(SyscallEntry.of(List.of("write"), "SCMP_ACT_NOTIFY"))
                .withListener("/run/a.sock", null);
        assertEquals("seccomp profile: SCMP_ACT_NOTIFY cannot be used for write (runc itself writes after loading"
                + " the filter), in syscalls[0]", error(notifyWrite));
    }

    @Test
    void acceptsNamesOfOtherArchitectures() {
        SeccompProfile p = profile(SyscallEntry.of(List.of("chown32", "arm_fadvise64_64", "arch_prctl"),
                "SCMP_ACT_ALLOW"));
        assertEquals(p, ProfileValidator.validate(p));
    }
}
