package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.SeccompProfile;
import io.jnerd.seccomp.profile.SyscallEntry;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BypassProfileTest {

    @Test
    void onlyConnectAndBindAreNotified() {
        SeccompProfile p = BypassProfile.of(DefaultProfile.get(), "/run/user/1000/jnerd/agent.sock");
        List<SyscallEntry> notify = p.syscalls().stream()
                .filter(e -> e.action().equals("SCMP_ACT_NOTIFY")).collect(Collectors.toList());
        assertEquals(1, notify.size(), notify.toString());
        assertEquals(List.of("bind", "connect"), notify.get(0).names().stream().sorted().collect(Collectors.toList()));
        assertEquals("/run/user/1000/jnerd/agent.sock", p.listenerPath());
        for (String fast : List.of("setsockopt", "fcntl", "close", "sendto", "recvfrom", "getpeername")) {
            assertTrue(p.syscalls().stream().anyMatch(e -> e.action().equals("SCMP_ACT_ALLOW") && e.names().contains(fast)),
                    fast + " must stay allowed without notification");
        }
    }
}
