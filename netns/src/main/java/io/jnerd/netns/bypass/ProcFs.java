package io.jnerd.netns.bypass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What the switch learns about the target from /proc: the thread group of the notified
 * thread, and whether the container's fd is close-on-exec.
 *
 * <p>A seccomp notification names a thread. pidfd_open takes only a thread-group leader
 * before Linux 6.9 (PIDFD_THREAD), so the switch opens the thread group: its threads
 * share the fd table that pidfd_getfd reads. The fd flag FD_CLOEXEC belongs to the
 * container's fd-table entry, not to the file, so the copy pidfd_getfd makes (always
 * close-on-exec) cannot tell it; fdinfo reports it as O_CLOEXEC in {@code flags}.
 */
final class ProcFs {

    /** O_CLOEXEC as fdinfo reports it (octal 02000000, asm-generic/fcntl.h). */
    static final int O_CLOEXEC = 0x80000;

    private ProcFs() {}

    /** The thread group (process) id of thread {@code tid}. */
    static int tgidOf(int tid) throws IOException {
        return parseTgid(read(Path.of("/proc", Integer.toString(tid), "status")), tid);
    }

    /** Whether {@code fd} of process {@code tgid} is close-on-exec. */
    static boolean isCloseOnExec(int tgid, int fd) throws IOException {
        String info = read(Path.of("/proc", Integer.toString(tgid), "fdinfo", Integer.toString(fd)));
        return (parseFdinfoFlags(info, tgid, fd) & O_CLOEXEC) != 0;
    }

    static int parseTgid(String status, int tid) throws IOException {
        String v = field(status, "Tgid:");
        if (v == null) {
            throw new IOException("/proc/" + tid + "/status has no Tgid line");
        }
        return Integer.parseInt(v);
    }

    /** fdinfo's {@code flags:} line, octal. */
    static int parseFdinfoFlags(String fdinfo, int tgid, int fd) throws IOException {
        String v = field(fdinfo, "flags:");
        if (v == null) {
            throw new IOException("/proc/" + tgid + "/fdinfo/" + fd + " has no flags line");
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
