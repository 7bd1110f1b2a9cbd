package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.seccomp.profile.ArgRule;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.SeccompProfile;
import io.jnerd.seccomp.profile.SyscallEntry;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BypassProfileTest {

    @Test
    void notifiesConnectBindAndSendsWithADestinationOnly() {
        SeccompProfile p = BypassProfile.of(DefaultProfile.get(), "/run/user/1000/jnerd/agent.sock");
        List<SyscallEntry> notify = p.syscalls().stream()
                .filter(e -> e.action().equals("SCMP_ACT_NOTIFY")).collect(Collectors.toList());
        assertEquals(2, notify.size(), notify.toString());
        assertEquals(List.of("bind", "connect", "listen", "sendmmsg", "sendmsg", "socketcall"),
                notify.get(0).names().stream().sorted().collect(Collectors.toList()));
        assertEquals(List.of("sendto"), notify.get(1).names());
        assertEquals(List.of(new ArgRule(4, 0, 0, "SCMP_CMP_NE")), notify.get(1).args());
        assertEquals("/run/user/1000/jnerd/agent.sock", p.listenerPath());
        for (String fast : List.of("setsockopt", "fcntl", "close", "recvfrom", "getpeername", "write", "writev")) {
            assertTrue(p.syscalls().stream().anyMatch(e -> e.action().equals("SCMP_ACT_ALLOW") && e.names().contains(fast)
                    && e.args().isEmpty()), fast + " must stay allowed without notification");
        }
        assertTrue(p.syscalls().stream().anyMatch(e -> e.action().equals("SCMP_ACT_ALLOW") && e.names().equals(List.of("sendto"))
                && e.args().equals(List.of(new ArgRule(4, 0, 0, "SCMP_CMP_EQ")))), "send(2), sendto without an address, stays native");
    }

    @Test
    void ioUringIsRefusedAsIfTheKernelHadNone() {
        SeccompProfile p = BypassProfile.of(DefaultProfile.get(), "/run/jnerd/agent.sock");
        for (String name : BypassProfile.IO_URING) {
            List<SyscallEntry> rules = p.syscalls().stream().filter(e -> e.names().contains(name)).collect(Collectors.toList());
            assertEquals(1, rules.size(), name + ": " + rules);
            assertEquals("SCMP_ACT_ERRNO", rules.get(0).action());
            assertEquals(38, rules.get(0).errnoRet(), "ENOSYS");
        }
    }
}
