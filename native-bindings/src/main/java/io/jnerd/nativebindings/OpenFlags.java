package io.jnerd.nativebindings;

/**
 * open(2)/fcntl(2) flag values of asm-generic/fcntl.h. SOCK_*, EFD_* and the *_CLOEXEC flags
 * of newer syscalls reuse them. aarch64 overrides a few (arch/arm64/include/uapi/asm/fcntl.h):
 * of those here, O_DIRECTORY.
 */
public final class OpenFlags {

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_EXCL = 0x80;
    public static final int O_NONBLOCK = 0x800;
    /** 0200000 on x86_64 (asm-generic), 040000 on aarch64. */
    public static final int O_DIRECTORY = Arch.current() == Arch.X86_64 ? 0x10000 : 0x4000;
    public static final int O_CLOEXEC = 0x80000;
    /** A handle on a path, not an open file (Linux 2.6.39): fstat, *at(2) and /proc/self/fd/N work on it. */
    public static final int O_PATH = 0x200000;

    /** fcntl F_GETFD/F_SETFD: the only descriptor flag. */
    public static final int FD_CLOEXEC = 1;

    private OpenFlags() {}
}
