package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelFeaturesTest {

    @Test
    void addFdIsDecidedByKernelVersionAndSaysWhatItNeeds() {
        assertArrayEquals(new int[] {6, 1}, KernelFeatures.kernelVersion("6.1.0-18-amd64"));
        assertNull(KernelFeatures.kernelVersion("unknown"));
        assertTrue(KernelFeatures.probeAddFd("5.9.0").available());
        assertTrue(KernelFeatures.probeAddFd("6.0.1").available());
        KernelFeatures.Feature old = KernelFeatures.probeAddFd("5.4.0-150-generic");
        assertFalse(old.available());
        assertEquals("requires Linux >= 5.9 (SECCOMP_IOCTL_NOTIF_ADDFD); this is Linux 5.4", old.reason());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, old::require);
        assertEquals("seccomp ADDFD: " + old.reason(), e.getMessage());
    }

    @Test
    void userNamespaceSysctlsAreReadWithTheirReason(@TempDir Path procSys) throws Exception {
        Files.createDirectories(procSys.resolve("kernel"));
        Files.createDirectories(procSys.resolve("user"));
        Files.writeString(procSys.resolve("user/max_user_namespaces"), "63417\n");
        assertEquals(new KernelFeatures.Feature(KernelFeatures.UNPRIVILEGED_USERNS, true, "user.max_user_namespaces=63417"),
                KernelFeatures.probeUserNamespaces(procSys));
        Files.writeString(procSys.resolve("kernel/unprivileged_userns_clone"), "0\n");
        KernelFeatures.Feature debianOff = KernelFeatures.probeUserNamespaces(procSys);
        assertFalse(debianOff.available());
        assertTrue(debianOff.reason().contains("kernel.unprivileged_userns_clone=0"), debianOff.reason());
        Files.writeString(procSys.resolve("kernel/unprivileged_userns_clone"), "1\n");
        Files.writeString(procSys.resolve("kernel/apparmor_restrict_unprivileged_userns"), "1\n");
        assertFalse(KernelFeatures.probeUserNamespaces(procSys).available());
    }

    @Test
    @Tag("kernel")
    void reportAgreesWithWhatTheSyscallsDo() throws Exception {
        List<KernelFeatures.Feature> report = KernelFeatures.report();
        assertEquals(7, report.size());
        for (KernelFeatures.Feature f : report) {
            assertFalse(f.reason().isBlank(), f.name());
        }
        // The kernel tests above rely on these; here the probes must agree with reality.
        assertEquals(Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF), KernelFeatures.seccompUserNotification().available());
        long getfd = Sys.call(SysNr.PIDFD_GETFD, -1, 0, 0);
        assertEquals(getfd != -Errno.ENOSYS, KernelFeatures.pidfdGetfd().available(), KernelFeatures.pidfdGetfd().reason());
        assertEquals(Files.isWritable(Path.of("/dev/net/tun")) && Files.isReadable(Path.of("/dev/net/tun")),
                KernelFeatures.devNetTun().available(), KernelFeatures.devNetTun().reason());
        boolean cookie;
        try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            cookie = Sockets.getLongOption(s, Sockets.SOL_SOCKET, Sockets.SO_NETNS_COOKIE) != 0;
        } catch (SyscallException e) {
            cookie = false;
        }
        assertEquals(cookie, KernelFeatures.netnsCookie().available(), KernelFeatures.netnsCookie().reason());
        assertEquals(cookie && KernelFeatures.addFd().available() && KernelFeatures.pidfdGetfd().available()
                && KernelFeatures.seccompUserNotification().available(), KernelFeatures.bypass4netns().available(),
                KernelFeatures.bypass4netns().reason());
    }

    @Test
    void withoutSoNetnsCookieBypass4netnsIsUnavailableAndSaysWhy() {
        KernelFeatures.Feature cookie = KernelFeatures.netnsCookie(
                new SyscallException("getsockopt(SO_NETNS_COOKIE)", Errno.ENOPROTOOPT, "fd 5"));
        assertFalse(cookie.available());
        assertEquals("requires Linux >= 5.14 (SO_NETNS_COOKIE): getsockopt(SO_NETNS_COOKIE) fd 5: ENOPROTOOPT (92)",
                cookie.reason());
        KernelFeatures.Feature bypass = KernelFeatures.bypass4netns(List.of(
                new KernelFeatures.Feature(KernelFeatures.SECCOMP_ADDFD, true, "Linux 6.1 >= 5.9"), cookie));
        assertFalse(bypass.available());
        assertEquals("SO_NETNS_COOKIE: " + cookie.reason(), bypass.reason());
        assertTrue(KernelFeatures.bypass4netns(List.of(KernelFeatures.netnsCookie(null))).available());
    }

    @Test
    @Tag("kernel")
    void sysctlReadsTheWholeValueWhereFilesReadStringDoesNot() throws Exception {
        Path max = Path.of("/proc/sys/user/max_user_namespaces");
        String whole;
        try (var in = Files.newInputStream(max)) {
            whole = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        assertTrue(whole.matches("[0-9]+"), whole);
        assertEquals(whole, KernelFeatures.sysctl(max));
    }
}
