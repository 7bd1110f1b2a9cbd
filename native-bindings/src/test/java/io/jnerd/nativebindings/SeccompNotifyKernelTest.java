package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class SeccompNotifyKernelTest {

    private static final long WAIT_MILLIS = 20_000;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void parentAnswersAChildsSyscallWithErrnoThenContinueThenAnInjectedFd(@TempDir Path dir) throws Exception {
        Path agent = dir.resolve("agent.sock");
        try (Fd server = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(server, SockAddr.unix(agent.toString()));
            Sockets.listen(server, 1);
            Process child = ChildJvm.start(NotifyChild.class, agent.toString());
            try {
                awaitReadable(server, "the child's connection");
                try (Fd conn = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
                        ScmRights.Received msg = ScmRights.receive(conn, 16, 4)) {
                    assertArrayEquals(new byte[] {'L'}, msg.data());
                    assertEquals(1, msg.fds().size());
                    Fd listener = msg.fds().get(0);
                    assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(listener) & OpenFlags.FD_CLOEXEC,
                            "received fds are close-on-exec");
                    answerThreeGetppids(listener, child);
                    assertEquals("first=-" + Errno.EHOSTUNREACH + " second=" + ProcessHandle.current().pid()
                            + " third=" + injectedAt + " read=injected fourth=-" + Errno.ENETDOWN, ChildJvm.finish(child));
                    // Linux 5.8: POLLHUP once no task uses the filter.
                    int[] revents = new int[1];
                    Poll.poll(new Fd[] {listener}, new int[] {Poll.POLLIN}, revents, WAIT_MILLIS);
                    assertEquals(Poll.POLLHUP, revents[0] & Poll.POLLHUP, "listener of an exited child reports POLLHUP");
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private int injectedAt;

    @Test
    void kernelReportsNotificationSizesAndKnownActions() throws Exception {
        Seccomp.NotifSizes sizes = Seccomp.notifSizes();
        assertTrue(sizes.notif() >= SeccompNotify.NOTIF_SIZE, sizes.toString());
        assertTrue(sizes.resp() >= SeccompNotify.RESP_SIZE, sizes.toString());
        assertTrue(sizes.data() >= 64, sizes.toString());
        assertTrue(Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF));
        assertTrue(Seccomp.actionAvailable(Seccomp.RET_ALLOW));
        assertFalse(Seccomp.actionAvailable(0x00010000), "no action has the value 0x00010000");
    }

    private void answerThreeGetppids(Fd listener, Process child) throws Exception {
        SeccompNotify.Notification first = next(listener);
        assertEquals(SysNr.GETPPID, first.nr());
        assertEquals(Arch.current().auditArch(), first.arch());
        assertTrue(Files.isDirectory(Path.of("/proc", Long.toString(child.pid()), "task", Integer.toString(first.pid()))),
                "notification pid " + first.pid() + " is a thread of the child " + child.pid());
        assertTrue(SeccompNotify.isValid(listener, first.id()));
        assertTrue(SeccompNotify.respondError(listener, first.id(), Errno.EHOSTUNREACH));
        assertFalse(SeccompNotify.isValid(listener, first.id()), "answered notification is no longer valid");
        secondAnswerIsRefused(listener, first.id());

        SeccompNotify.Notification second = next(listener);
        assertNotEquals(first.id(), second.id());
        assertTrue(SeccompNotify.respondContinue(listener, second.id()));

        SeccompNotify.Notification third = next(listener);
        Fd[] pair = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try (Fd ours = pair[0]; Fd theirs = pair[1]) {
            Sockets.writeFully(ours, "injected".getBytes(StandardCharsets.UTF_8));
            injectedAt = SeccompNotify.addFd(listener, third.id(), theirs, SeccompNotify.ADDFD_FLAG_SEND, 0, true);
            assertTrue(injectedAt > 2, "fd number in the child: " + injectedAt);
        }
    }

    /** EINPROGRESS while the answered target has not woken up yet, ENOENT (false) after. */
    private static void secondAnswerIsRefused(Fd listener, long id) {
        try {
            assertFalse(SeccompNotify.respondContinue(listener, id), "a second answer reports ENOENT");
        } catch (SyscallException e) {
            assertEquals(Errno.EINPROGRESS, e.errno(), e.getMessage());
        }
    }

    private static SeccompNotify.Notification next(Fd listener) throws Exception {
        awaitReadable(listener, "a notification");
        SeccompNotify.Notification n = SeccompNotify.receive(listener);
        assertNotNull(n, "RECV after POLLIN");
        return n;
    }

    static void awaitReadable(Fd fd, String what) throws SyscallException {
        int[] revents = new int[1];
        int ready = Poll.poll(new Fd[] {fd}, new int[] {Poll.POLLIN}, revents, WAIT_MILLIS);
        assertEquals(1, ready, "no " + what + " within " + WAIT_MILLIS + " ms");
        assertEquals(Poll.POLLIN, revents[0] & Poll.POLLIN, "revents 0x" + Integer.toHexString(revents[0]));
    }
}
