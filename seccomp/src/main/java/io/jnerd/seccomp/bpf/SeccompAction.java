package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.Seccomp;

/**
 * What a seccomp filter returns for a syscall: one of the kernel's SECCOMP_RET_* actions
 * (linux/seccomp.h) and, for ERRNO and TRACE, its 16-bit data.
 */
public record SeccompAction(Kind kind, int data) {

    public enum Kind {
        KILL_PROCESS(Seccomp.RET_KILL_PROCESS), // Linux 4.14
        KILL_THREAD(Seccomp.RET_KILL_THREAD),
        TRAP(Seccomp.RET_TRAP),
        ERRNO(Seccomp.RET_ERRNO),
        USER_NOTIF(Seccomp.RET_USER_NOTIF), // Linux 5.0
        TRACE(Seccomp.RET_TRACE),
        LOG(Seccomp.RET_LOG), // Linux 4.14
        ALLOW(Seccomp.RET_ALLOW);

        private final int ret;

        Kind(int ret) {
            this.ret = ret;
        }

        boolean hasData() {
            return this == ERRNO || this == TRACE;
        }
    }

    public SeccompAction {
        if (data < 0 || data > Seccomp.RET_DATA || (!kind.hasData() && data != 0)) {
            throw new IllegalArgumentException(kind + " cannot carry data " + data);
        }
    }

    public static SeccompAction allow() {
        return new SeccompAction(Kind.ALLOW, 0);
    }

    public static SeccompAction errno(int errno) {
        return new SeccompAction(Kind.ERRNO, errno);
    }

    public static SeccompAction killProcess() {
        return new SeccompAction(Kind.KILL_PROCESS, 0);
    }

    public static SeccompAction killThread() {
        return new SeccompAction(Kind.KILL_THREAD, 0);
    }

    public static SeccompAction trap() {
        return new SeccompAction(Kind.TRAP, 0);
    }

    public static SeccompAction log() {
        return new SeccompAction(Kind.LOG, 0);
    }

    public static SeccompAction userNotif() {
        return new SeccompAction(Kind.USER_NOTIF, 0);
    }

    public static SeccompAction trace(int message) {
        return new SeccompAction(Kind.TRACE, message);
    }

    /** The filter's 32-bit return value. */
    public int ret() {
        return kind.ret | data;
    }

    /** The action a filter return value stands for (used by tests and diagnostics). */
    public static SeccompAction fromRet(int ret) {
        int action = ret & ~Seccomp.RET_DATA;
        for (Kind k : Kind.values()) {
            if (k.ret == action) {
                return new SeccompAction(k, k.hasData() ? ret & Seccomp.RET_DATA : 0);
            }
        }
        throw new IllegalArgumentException("not a seccomp action: 0x" + Integer.toHexString(ret));
    }

    @Override
    public String toString() {
        return kind.hasData() ? kind + "(" + data + ")" : kind.toString();
    }
}
