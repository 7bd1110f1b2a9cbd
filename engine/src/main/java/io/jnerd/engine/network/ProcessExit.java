package io.jnerd.engine.network;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SyscallException;
import java.time.Duration;
import java.util.Optional;

/**
 * The exit of a process that is not this one's child (a container's init, a network
 * keeper), seen through a pidfd: it polls readable once the process has exited (Linux 5.3),
 * whoever reaps it. ProcessHandle.onExit() can only poll such a process with sleeps.
 */
final class ProcessExit implements AutoCloseable {
    private final Pidfd pidfd;

    private ProcessExit(Pidfd pidfd) {
        this.pidfd = pidfd;
    }

    /** Empty when no process {@code pid} exists (it exited and was reaped). */
    static Optional<ProcessExit> of(long pid) throws SyscallException {
        try {
            return Optional.of(new ProcessExit(Pidfd.open(pid)));
        } catch (SyscallException e) {
            if (e.is(Errno.ESRCH)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether the process exited within {@code timeout} (null: wait for ever). */
    boolean await(Duration timeout) throws SyscallException {
        int[] revents = new int[1];
        long millis = timeout == null ? -1 : timeout.toMillis();
        return Poll.poll(new Fd[] {pidfd.fd()}, new int[] {Poll.POLLIN}, revents, millis) > 0;
    }

    long pid() {
        return pidfd.pid();
    }

    @Override
    public void close() {
        pidfd.close();
    }
}
