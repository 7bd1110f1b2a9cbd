package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountApiTest {

    @Test
    void mountAttrIsFourU64InFieldOrder() {
        ByteBuffer b = new MountApi.Attr(MountApi.MOUNT_ATTR_RDONLY, MountApi.MOUNT_ATTR__ATIME,
                MountApi.MS_PRIVATE, 7).toStruct().buffer();
        assertEquals(MountApi.MOUNT_ATTR_SIZE_VER0, b.capacity());
        assertEquals(MountApi.MOUNT_ATTR_RDONLY, b.getLong(0));
        assertEquals(MountApi.MOUNT_ATTR__ATIME, b.getLong(8));
        assertEquals(MountApi.MS_PRIVATE, b.getLong(16));
        assertEquals(7, b.getLong(24));
    }

    @Test
    @Tag("kernel")
    void mountSetattrIsFoundOnLinux512AndLater() {
        Assumptions.assumeTrue(KernelVersion.atLeast(5, 12), "needs Linux >= 5.12, this is " + KernelVersion.current());
        assertTrue(MountApi.hasMountSetattr());
    }

    @Test
    @Tag("kernel")
    void openTreeOfAMissingPathNamesSyscallErrnoAndPath(@TempDir Path dir) {
        String missing = dir.resolve("missing").toString();
        SyscallException e = assertThrows(SyscallException.class,
                () -> MountApi.openTree(missing, MountApi.OPEN_TREE_CLOEXEC));
        assertEquals("open_tree", e.syscall());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open_tree " + missing + ": ENOENT (2)", e.getMessage());
    }

    @Test
    @Tag("kernel")
    void openTreeWithoutCloneIsAnUnprivilegedPathFd(@TempDir Path dir) throws Exception {
        try (Fd fd = MountApi.openTree(dir.toString(), MountApi.OPEN_TREE_CLOEXEC)) {
            assertTrue(fd.get() >= 0);
        }
    }
}
