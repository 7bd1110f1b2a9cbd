package io.jnerd.nativebindings;

import java.io.IOException;

/**
 * A failed system call: names the syscall, the errno (number and name) and what it acted
 * on. Callers branch on {@link #errno()}, never on the message.
 */
public class SyscallException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;
    private final String target;

    public SyscallException(String syscall, int errno, String target) {
        super(syscall + (target == null || target.isEmpty() ? "" : " " + target) + ": "
                + Errno.describe(errno));
        this.syscall = syscall;
        this.errno = errno;
        this.target = target;
    }

    public String syscall() {
        return syscall;
    }

    public int errno() {
        return errno;
    }

    public String target() {
        return target;
    }

    public boolean is(int expectedErrno) {
        return errno == expectedErrno;
    }
}
