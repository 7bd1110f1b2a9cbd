package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class NamespacesTest {

    @Test
    @Tag("kernel")
    void opensANamespaceFileAndSetnsChecksItsType() throws Exception {
        long pid = ProcessHandle.current().pid();
        try (Fd net = Namespaces.open(pid, "net")) {
            assertEquals(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")),
                    Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(net.get()))));
            // A type mismatch is refused before anything changes: safe inside the JVM.
            SyscallException e = assertThrows(SyscallException.class, () -> Namespaces.setns(net, Namespaces.CLONE_NEWUTS));
            assertEquals(Errno.EINVAL, e.errno());
        }
        SyscallException missing = assertThrows(SyscallException.class, () -> Namespaces.open(pid, "nope"));
        assertEquals(Errno.ENOENT, missing.errno());
        assertTrue(missing.getMessage().contains("/proc/" + pid + "/ns/nope"), missing.getMessage());
    }

    @Test
    @Tag("privileged")
    void unshareMovesTheCallingThreadOfAChildIntoANewNetworkNamespace() throws Exception {
        String[] links = ChildJvm.finish(ChildJvm.start(NamespaceChild.class)).split(" ");
        assertEquals(2, links.length);
        assertTrue(links[0].startsWith("net:["), links[0]);
        assertNotEquals(links[0], links[1]);
    }
}
