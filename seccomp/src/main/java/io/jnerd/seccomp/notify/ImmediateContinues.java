package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.seccomp.SyscallTable;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A handler's {@link NotificationHandler#continueAtOnce()}, resolved once to native syscall
 * numbers, so the receive loop can tell with one array read whether a notification needs
 * the handler at all.
 */
final class ImmediateContinues {

    private final boolean[] byNumber;

    private ImmediateContinues(boolean[] byNumber) {
        this.byNumber = byNumber;
    }

    /**
     * @throws IllegalArgumentException for a name the native ABI lacks, or one the guard
     *         refuses to continue (the handler would contradict itself)
     */
    static ImmediateContinues of(Set<String> names, ContinueGuard guard, Arch host) {
        SyscallTable table = SyscallTable.get();
        int[] numbers = new int[names.size()];
        int size = 0;
        int i = 0;
        for (String name : names) {
            OptionalInt nr = table.number(host, name);
            if (nr.isEmpty()) {
                throw new IllegalArgumentException("continue-at-once syscall '" + name + "' is not a native syscall"
                        + " jnerd knows (" + host + ")");
            }
            if (guard.refuses(null, nr.getAsInt())) {
                throw new IllegalArgumentException("syscall '" + name + "' is both never-CONTINUE and continue-at-once");
            }
            numbers[i++] = nr.getAsInt();
            size = Math.max(size, nr.getAsInt() + 1);
        }
        boolean[] byNumber = new boolean[size];
        for (int nr : numbers) {
            byNumber[nr] = true;
        }
        return new ImmediateContinues(byNumber);
    }

    /** Whether native syscall {@code nr} is answered CONTINUE without the handler. */
    boolean has(int nr) {
        return nr >= 0 && nr < byNumber.length && byNumber[nr];
    }
}
