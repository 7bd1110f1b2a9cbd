package io.jnerd.nativebindings;

import java.nio.charset.StandardCharsets;

/**
 * Small /proc and /sys entries read with raw syscalls: {@link #read} is one openat, one read
 * and one close, several times cheaper on a hot path than java.nio (which adds an fstat,
 * reads in a loop and allocates a channel). A seq_file entry that fits the buffer comes
 * whole from one read.
 *
 * <p>An entry that is read again and again can stay open: each {@link #reread} (a pread at
 * offset 0) makes the kernel generate it anew, which spares the path walk and the proc inode
 * that every open of /proc/PID/... builds and frees.
 */
public final class SmallFile {

    private SmallFile() {}

    /**
     * At most {@code max} bytes of {@code path}, as US-ASCII text: /proc's text files are.
     *
     * @throws SyscallException ENOENT when it does not exist (for /proc/PID/...: the process
     *         or the fd is gone)
     */
    public static String read(String path, int max) throws SyscallException {
        try (Fd file = open(path)) {
            return reread(file, max, path);
        }
    }

    /** Opens {@code path} read-only and close-on-exec. */
    public static Fd open(String path) throws SyscallException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        NativeBuffer b = Scratch.get(name.length + 1);
        b.buffer().put(0, name).put(name.length, (byte) 0);
        long r = Sys.call(SysNr.OPENAT, MountApi.AT_FDCWD, b.address(), OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC);
        return Fd.adopt((int) Sys.check(r, "openat", path));
    }

    /**
     * At most {@code max} bytes of the open {@code file} from its start, generated anew.
     *
     * @param what names the file in an error
     * @throws SyscallException as the entry's show function fails: for /proc/PID/fdinfo/N,
     *         ENOENT once the process or its fd N is gone
     */
    public static String reread(Fd file, int max, String what) throws SyscallException {
        byte[] text = new byte[max];
        return new String(text, 0, reread(file, text, what), StandardCharsets.US_ASCII);
    }

    /**
     * As {@link #reread(Fd, int, String)}, into {@code dst} (at most its length): for a file
     * re-read on every notification by a caller that keeps one array for it.
     *
     * @return how many bytes were read
     */
    public static int reread(Fd file, byte[] dst, String what) throws SyscallException {
        NativeBuffer b = Scratch.get(dst.length);
        long r;
        do {
            r = Sys.call(SysNr.PREAD64, file.get(), b.address(), dst.length, 0);
        } while (Sys.interrupted(r));
        Sys.check(r, "pread", what);
        b.buffer().get(0, dst, 0, (int) r);
        return (int) r;
    }
}
