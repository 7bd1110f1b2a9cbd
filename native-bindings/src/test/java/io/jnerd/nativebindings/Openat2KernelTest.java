package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class Openat2KernelTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Path target(Fd fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd.get()));
    }

    @Test
    void inRootKeepsAbsolutePathsDotDotAndSymlinksBelowTheRoot(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "inside");
        Files.createSymbolicLink(root.resolve("escape"), Path.of("/etc"));
        try (Fd r = Openat2.openPath(root.toString())) {
            int flags = OpenFlags.O_PATH | OpenFlags.O_CLOEXEC;
            long in = Openat2.RESOLVE_IN_ROOT | Openat2.RESOLVE_NO_MAGICLINKS;
            try (Fd a = Openat2.open(r, bytes("/etc/hosts"), flags, in);
                    Fd b = Openat2.open(r, bytes("../../../etc/hosts"), flags, in);
                    Fd c = Openat2.open(r, bytes("escape/hosts"), flags, in)) {
                assertEquals(root.resolve("etc/hosts"), target(a));
                assertEquals(root.resolve("etc/hosts"), target(b));
                assertEquals(root.resolve("etc/hosts"), target(c));
            }
            SyscallException beneath = assertThrows(SyscallException.class,
                    () -> Openat2.open(r, bytes("../root/etc/hosts"), flags, Openat2.RESOLVE_BENEATH));
            assertEquals(Errno.EXDEV, beneath.errno());
            SyscallException magic = assertThrows(SyscallException.class,
                    () -> Openat2.open(r, bytes("/proc/self/root/etc"), flags, in));
            assertEquals(Errno.ENOENT, magic.errno());
        }
    }

    @Test
    void aMagicLinkIsRefusedWithoutMagicLinks() throws Exception {
        try (Fd root = Openat2.openPath("/")) {
            SyscallException e = assertThrows(SyscallException.class, () -> Openat2.open(root,
                    bytes("proc/self/root/etc"), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, Openat2.RESOLVE_NO_MAGICLINKS));
            assertEquals(Errno.ELOOP, e.errno());
            assertEquals("openat2", e.syscall());
        }
    }

    /** O_DIRECTORY is 0200000 on x86_64 but 040000 on aarch64 (where 0200000 is O_DIRECT). */
    @Test
    void directoryFlagRefusesAFileAndOpensADirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        int flags = OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC;
        try (Fd d = Openat2.openPath(dir.toString())) {
            SyscallException e = assertThrows(SyscallException.class,
                    () -> Openat2.open(d, bytes("file"), flags, Openat2.RESOLVE_BENEATH));
            assertEquals(Errno.ENOTDIR, e.errno());
            try (Fd self = Openat2.open(d, bytes("."), flags, Openat2.RESOLVE_BENEATH)) {
                assertEquals(dir, target(self));
            }
        }
    }
}
