package io.jnerd.seccomp.bpf;

import java.util.List;

/** An action taken when every condition holds (AND); no condition means always. */
public record SyscallRule(List<ArgCondition> conditions, SeccompAction action) {

    public SyscallRule {
        conditions = List.copyOf(conditions);
        if (action == null) {
            throw new IllegalArgumentException("syscall rule without an action");
        }
    }

    public static SyscallRule always(SeccompAction action) {
        return new SyscallRule(List.of(), action);
    }

    public static SyscallRule when(SeccompAction action, ArgCondition... conditions) {
        return new SyscallRule(List.of(conditions), action);
    }

    public boolean isConditional() {
        return !conditions.isEmpty();
    }
}
