package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.BpfInterpreter;
import io.jnerd.seccomp.bpf.SeccompAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyTranslatorTest {

    private static final Arch NATIVE = Arch.current();

    private static int nr(String name) {
        return SyscallTable.get().number(NATIVE, name).orElseThrow();
    }

    @Test
    void movesTheNamesIntoOneNotifyRuleAndSetsTheListener() {
        SeccompProfile p = NotifyTranslator.withNotify(DefaultProfile.get(), List.of("connect", "bind", "personality"),
                "/run/jnerd/agent.sock", "{\"id\":\"c1\"}");
        assertEquals("/run/jnerd/agent.sock", p.listenerPath());
        assertEquals("{\"id\":\"c1\"}", p.listenerMetadata());
        SyscallEntry last = p.syscalls().get(p.syscalls().size() - 1);
        assertEquals(List.of("bind", "connect", "personality"), last.names());
        assertEquals("SCMP_ACT_NOTIFY", last.action());
        for (SyscallEntry e : p.syscalls().subList(0, p.syscalls().size() - 1)) {
            assertFalse(e.names().contains("connect") || e.names().contains("bind") || e.names().contains("personality"),
                    e.toString());
        }
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("connect")).action());
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("bind")).action());
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("personality"), 1).action(),
                "the personality arg rules went with the name");
        assertEquals(SeccompAction.allow(), vm.run(audit, nr("sendto")).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(audit, nr("mount")).action());
    }

    @Test
    void notifiesSendtoOnlyWhenItsAddressIsSet() {
        SeccompProfile p = NotifyTranslator.withNotifyWhenSet(
                NotifyTranslator.withNotify(DefaultProfile.get(), List.of("connect"), "/run/jnerd/agent.sock", null),
                "sendto", 4);
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.allow(), vm.run(audit, nr("sendto"), 3, 0x1000, 5, 0, 0, 0).action(),
                "send(2) is sendto with no address: it must stay native");
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("sendto"), 3, 0x1000, 5, 0, 0x2000, 16).action());
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("sendto"), 3, 0x1000, 5, 0, 1L << 40, 16).action(),
                "all 64 bits of the pointer are compared");
        assertEquals(SeccompAction.allow(), vm.run(audit, nr("recvfrom"), 3, 0x1000, 5, 0, 0x2000, 0).action());
        for (SyscallEntry e : p.syscalls()) {
            if (e.names().contains("sendto")) {
                assertEquals(List.of("sendto"), e.names(), "sendto's rules stand alone: " + e);
                assertEquals(1, e.args().size(), e.toString());
            }
        }
    }

    @Test
    void aProfileWithoutSendtoLeavesTheUnsetCaseToTheDefaultAction() {
        SeccompProfile base = new SeccompProfile("SCMP_ACT_ERRNO", null, List.of(), List.of(), List.of(), null, null,
                List.of(SyscallEntry.of(List.of("read"), "SCMP_ACT_ALLOW")));
        SeccompProfile p = NotifyTranslator.withNotifyWhenSet(
                NotifyTranslator.withNotify(base, List.of("connect"), "/a", null), "sendto", 4);
        BpfInterpreter vm = new BpfInterpreter(ProfileCompiler.compile(p, ProfileContext.defaults()));
        int audit = NATIVE.auditArch();
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(audit, nr("sendto"), 3, 0x1000, 5, 0, 0, 0).action());
        assertEquals(SeccompAction.userNotif(), vm.run(audit, nr("sendto"), 3, 0x1000, 5, 0, 0x2000, 16).action());
    }

    @Test
    void refusesUnknownNamesAndAnEmptySet() {
        assertEquals("seccomp notify: unknown syscall \"conect\"", assertThrows(InvalidProfileException.class,
                () -> NotifyTranslator.withNotify(DefaultProfile.get(), List.of("conect"), "/a", null)).getMessage());
        assertThrows(InvalidProfileException.class,
                () -> NotifyTranslator.withNotify(DefaultProfile.get(), List.of(), "/a", null));
    }
}
