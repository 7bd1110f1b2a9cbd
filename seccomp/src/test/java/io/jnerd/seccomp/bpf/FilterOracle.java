package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.nativebindings.Errno;
import java.util.List;

/** What a {@link SeccompFilter} means, evaluated directly: the reference the compiled program must match. */
final class FilterOracle {

    private FilterOracle() {}

    static SeccompAction decide(SeccompFilter f, int auditArch, int nr, long... args) {
        for (Arch arch : f.arches()) {
            if (arch.auditArch() != auditArch) {
                continue;
            }
            if (arch == Arch.X86_64 && Integer.compareUnsigned(nr, CompatAbi.X32_SYSCALL_BIT) >= 0) {
                return f.foreignArchAction();
            }
            if (f.enosysAbove(arch).isPresent() && Integer.compareUnsigned(nr, f.enosysAbove(arch).getAsInt()) > 0) {
                return SeccompAction.errno(Errno.ENOSYS);
            }
            List<SyscallRule> rules = f.rules(arch).get(nr);
            if (rules == null) {
                return f.defaultAction();
            }
            for (SyscallRule r : rules) {
                if (r.conditions().stream().allMatch(c -> c.test(c.index() < args.length ? args[c.index()] : 0))) {
                    return r.action();
                }
            }
            return f.defaultAction();
        }
        return f.foreignArchAction();
    }
}
