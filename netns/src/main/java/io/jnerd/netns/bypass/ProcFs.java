package io.jnerd.netns.bypass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Whether the container's fd is close-on-exec, from /proc. The fd flag FD_CLOEXEC belongs
 * to the container's fd-table entry, not to the file, so the copy pidfd_getfd makes
 * (always close-on-exec) cannot tell it; fdinfo reports it as O_CLOEXEC in {@code flags}.
 * /proc/TID works for any thread, leader or not, and shows its fd table.
 */
final class ProcFs {

    /** O_CLOEXEC as fdinfo reports it (octal 02000000, asm-generic/fcntl.h). */
    static final int O_CLOEXEC = 0x80000;

    private ProcFs() {}

    /** Whether {@code fd} of thread {@code tid} is close-on-exec. */
    static boolean isCloseOnExec(int tid, int fd) throws IOException {
        String info = read(Path.of("/proc", Integer.toString(tid), "fdinfo", Integer.toString(fd)));
        return (parseFdinfoFlags(info, tid, fd) & O_CLOEXEC) != 0;
    }

    /** fdinfo's {@code flags:} line, octal. */
    static int parseFdinfoFlags(String fdinfo, int tid, int fd) throws IOException {
        String v = field(fdinfo, "flags:");
        if (v == null) {
            throw new IOException("/proc/" + tid + "/fdinfo/" + fd + " has no flags line");
        }
        return Integer.parseInt(v, 8);
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).trim();
            }
        }
        return null;
    }

    private static String read(Path p) throws IOException {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(p + ": no such process or fd (it exited or closed it)", e);
        }
    }
}
