package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.BpfInsn;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.bpf.BpfProgram;
import io.jnerd.seccomp.notify.FilteredThread;
import io.jnerd.seccomp.notify.Session;
import io.jnerd.seccomp.notify.Supervisor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The kernel loads the compiled default profile (long jumps and all) and enforces it. */
@Tag("kernel")
class DefaultProfileKernelTest {

    @Test
    void theKernelAcceptsAndEnforcesTheCompiledDefaultProfile() throws Throwable {
        Assumptions.assumeTrue(Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF),
                "kernel lacks SECCOMP_RET_USER_NOTIF (Linux >= 5.0)");
        SeccompProfile profile = NotifyTranslator.withNotify(DefaultProfile.get(), List.of("getppid"),
                "/run/unused.sock", null);
        BpfProgram program = ProfileCompiler.compile(profile, ProfileContext.defaults());
        assertTrue(program.size() > BpfInsn.MAX_SHORT_JUMP, "big enough to need long jumps: " + program.size());
        assertTrue(program.instructions().stream().anyMatch(i -> i.code() == BpfInsn.JA));

        int ppid = Processes.getppid();
        AtomicInteger seenPpid = new AtomicInteger();
        AtomicInteger getFdErrno = new AtomicInteger();
        FilteredThread t = new FilteredThread(program, () -> {
            seenPpid.set(Processes.getppid());
            try (Pidfd self = Pidfd.open(Processes.getpid())) {
                self.getFd(0).close();
            } catch (SyscallException e) {
                getFdErrno.set(e.errno());
            }
        });
        try (Supervisor sup = new Supervisor(ctx -> { })) {
            Session s = sup.supervise(new ContainerState("1.0.2", List.of(), 0, null, null), t.listener());
            t.run();
            t.join();
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)));
            assertEquals(1L, sup.stats().bySyscall().get("getppid"));
        }
        assertEquals(ppid, seenPpid.get(), "notified getppid answered CONTINUE");
        assertEquals(Errno.EPERM, getFdErrno.get(), "pidfd_getfd needs CAP_SYS_PTRACE, outside the default profile");
    }
}
