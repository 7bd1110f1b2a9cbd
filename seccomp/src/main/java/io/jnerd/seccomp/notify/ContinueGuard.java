package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.seccomp.SyscallTable;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The syscalls a handler declared it must never answer CONTINUE
 * ({@link NotificationHandler#neverContinue()}), resolved once to numbers of the native
 * ABI and of every compat ABI the kernel serves beside it, so the check on each answer is
 * an array read (native) or a set lookup (compat, which is rare).
 */
final class ContinueGuard {

    private final boolean[] nativeRefused;
    private final Map<CompatAbi, Set<Integer>> compatRefused = new EnumMap<>(CompatAbi.class);

    private ContinueGuard(boolean[] nativeRefused) {
        this.nativeRefused = nativeRefused;
    }

    /**
     * @throws IllegalArgumentException for a name that no ABI jnerd knows has (a typo would
     *         otherwise silently guard nothing)
     */
    static ContinueGuard of(Set<String> names, Arch host) {
        SyscallTable table = SyscallTable.get();
        int size = 0;
        for (String name : names) {
            size = Math.max(size, table.number(host, name).orElse(-1) + 1);
        }
        ContinueGuard g = new ContinueGuard(new boolean[size]);
        for (String name : names) {
            boolean known = table.isKnown(name);
            OptionalInt nr = table.number(host, name);
            if (nr.isPresent()) {
                g.nativeRefused[nr.getAsInt()] = true;
            }
            for (CompatAbi abi : CompatAbi.values()) {
                int compatNr = abi.host() == host ? abi.number(name) : -1;
                if (compatNr >= 0) {
                    g.compatRefused.computeIfAbsent(abi, k -> new HashSet<>()).add(compatNr);
                    known = true;
                }
            }
            if (!known) {
                throw new IllegalArgumentException("never-CONTINUE syscall '" + name + "' is not a syscall jnerd knows");
            }
        }
        return g;
    }

    /** Whether CONTINUE is refused for syscall {@code nr} of {@code compat} (null: the native ABI). */
    boolean refuses(CompatAbi compat, int nr) {
        if (compat == null) {
            return nr >= 0 && nr < nativeRefused.length && nativeRefused[nr];
        }
        Set<Integer> refused = compatRefused.get(compat);
        return refused != null && refused.contains(nr);
    }
}
