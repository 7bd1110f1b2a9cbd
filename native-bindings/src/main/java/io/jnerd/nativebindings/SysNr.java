package io.jnerd.nativebindings;

/**
 * System call numbers for the syscalls jnerd makes, x86_64 and aarch64
 * (arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h).
 * aarch64 has no poll, epoll_wait or open: jnerd uses ppoll, epoll_pwait and openat on both.
 */
public final class SysNr {

    private static final boolean X86 = Arch.current() == Arch.X86_64;

    public static final int READ = pick(0, 63);
    public static final int WRITE = pick(1, 64);
    public static final int CLOSE = pick(3, 57);
    public static final int IOCTL = pick(16, 29);
    public static final int PREAD64 = pick(17, 67);
    public static final int GETPID = pick(39, 172);
    public static final int GETPPID = pick(110, 173);
    public static final int GETUID = pick(102, 174);
    public static final int GETGROUPS = pick(115, 158);
    public static final int SETGROUPS = pick(116, 159);
    public static final int SETRESUID = pick(117, 147);
    public static final int GETRESUID = pick(118, 148);
    public static final int SETRESGID = pick(119, 149);
    public static final int GETRESGID = pick(120, 150);
    public static final int CAPGET = pick(125, 90);
    public static final int GETTID = pick(186, 178);
    public static final int SETSID = pick(112, 157);
    public static final int PTRACE = pick(101, 117);
    public static final int WAIT4 = pick(61, 260);
    public static final int KILL = pick(62, 129);
    public static final int SOCKET = pick(41, 198);
    public static final int SOCKETPAIR = pick(53, 199);
    public static final int BIND = pick(49, 200);
    public static final int LISTEN = pick(50, 201);
    public static final int CONNECT = pick(42, 203);
    public static final int GETSOCKNAME = pick(51, 204);
    public static final int GETPEERNAME = pick(52, 205);
    public static final int SENDTO = pick(44, 206);
    public static final int RECVFROM = pick(45, 207);
    public static final int SETSOCKOPT = pick(54, 208);
    public static final int GETSOCKOPT = pick(55, 209);
    public static final int SHUTDOWN = pick(48, 210);
    public static final int SENDMSG = pick(46, 211);
    public static final int RECVMSG = pick(47, 212);
    public static final int SENDMMSG = pick(307, 269);
    public static final int ACCEPT4 = pick(288, 242);
    public static final int FCNTL = pick(72, 25);
    public static final int DUP3 = pick(292, 24);
    public static final int OPENAT = pick(257, 56);
    public static final int MKNODAT = pick(259, 33);
    public static final int PPOLL = pick(271, 73);
    public static final int EPOLL_CREATE1 = pick(291, 20);
    public static final int EPOLL_CTL = pick(233, 21);
    public static final int EPOLL_PWAIT = pick(281, 22);
    public static final int EVENTFD2 = pick(290, 19);
    public static final int PRCTL = pick(157, 167);
    public static final int SECCOMP = pick(317, 277);
    public static final int PROCESS_VM_READV = pick(310, 270);
    public static final int PROCESS_VM_WRITEV = pick(311, 271);
    public static final int MOUNT = pick(165, 40);
    public static final int UMOUNT2 = pick(166, 39);
    public static final int UNSHARE = pick(272, 97);
    public static final int SETNS = pick(308, 268);
    // Since Linux 5.0 new syscalls share one number on every architecture.
    public static final int PIDFD_SEND_SIGNAL = 424;
    public static final int OPEN_TREE = 428;
    public static final int MOVE_MOUNT = 429;
    public static final int FSOPEN = 430;
    public static final int PIDFD_OPEN = 434;
    public static final int CLOSE_RANGE = 436;
    public static final int OPENAT2 = 437;
    public static final int PIDFD_GETFD = 438;
    public static final int MOUNT_SETATTR = 442;

    private SysNr() {}

    private static int pick(int x8664, int aarch64) {
        return X86 ? x8664 : aarch64;
    }
}
