package io.jnerd.nativebindings;

import java.lang.ref.Reference;

/**
 * mkfifo(3) as the kernel has it: mknodat(2) with S_IFIFO and no device. A task's stdio FIFOs
 * are made on every container start; a mkfifo(1) child process cost the daemon milliseconds.
 */
public final class Fifos {

    private Fifos() {}

    /** A FIFO at {@code path} with permission bits {@code mode}, less the process's umask (as mkfifo(3)). */
    public static void make(String path, int mode) throws SyscallException {
        NativeBuffer p = NativeBuffer.cString(path);
        long r;
        do {
            r = Sys.call(SysNr.MKNODAT, MountApi.AT_FDCWD, p.address(), FileMode.S_IFIFO | (mode & 0777), 0);
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(p);
        Sys.check(r, "mknodat", path);
    }
}
