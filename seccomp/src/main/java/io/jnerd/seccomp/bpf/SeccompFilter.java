package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.Arch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a seccomp filter decides, by architecture and syscall number, before it is compiled
 * ({@link FilterCompiler}). For one syscall the rules with argument conditions are tried in
 * the order they were added (several rules are an OR, the first that matches wins); the
 * unconditional rule, if any, comes last. Syscalls without rules get the default action,
 * other architectures (including the x32 ABI on x86_64) the foreign-architecture action.
 */
public final class SeccompFilter {

    private final SeccompAction defaultAction;
    private final SeccompAction foreignArchAction;
    private final Map<Arch, SortedMap<Integer, List<SyscallRule>>> rules;
    private final Map<Arch, Integer> enosysAbove;

    private SeccompFilter(Builder b) {
        this.defaultAction = b.defaultAction;
        this.foreignArchAction = b.foreignArchAction;
        Map<Arch, SortedMap<Integer, List<SyscallRule>>> r = new EnumMap<>(Arch.class);
        b.conditional.forEach((arch, byNr) -> {
            SortedMap<Integer, List<SyscallRule>> sorted = new TreeMap<>();
            byNr.forEach((nr, conds) -> sorted.put(nr, new ArrayList<>(conds)));
            b.unconditional.get(arch).forEach((nr, rule) ->
                    sorted.computeIfAbsent(nr, k -> new ArrayList<>()).add(rule));
            sorted.replaceAll((nr, list) -> List.copyOf(list));
            r.put(arch, Collections.unmodifiableSortedMap(sorted));
        });
        this.rules = Collections.unmodifiableMap(r);
        this.enosysAbove = Map.copyOf(b.enosysAbove);
    }

    public static Builder builder(SeccompAction defaultAction) {
        return new Builder(defaultAction);
    }

    public SeccompAction defaultAction() {
        return defaultAction;
    }

    public SeccompAction foreignArchAction() {
        return foreignArchAction;
    }

    /** The architectures the filter dispatches on, in {@link Arch} order. */
    public Set<Arch> arches() {
        return rules.keySet();
    }

    /** Rules by syscall number for {@code arch}: conditional rules first, the unconditional one last. */
    public SortedMap<Integer, List<SyscallRule>> rules(Arch arch) {
        SortedMap<Integer, List<SyscallRule>> r = rules.get(arch);
        if (r == null) {
            throw new IllegalArgumentException("filter has no rules for " + arch.kernelName());
        }
        return r;
    }

    /** Numbers above this get ERRNO(ENOSYS) instead of the default action. */
    public OptionalInt enosysAbove(Arch arch) {
        Integer n = enosysAbove.get(arch);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public static final class Builder {
        private final SeccompAction defaultAction;
        private SeccompAction foreignArchAction;
        private final Map<Arch, Map<Integer, List<SyscallRule>>> conditional = new EnumMap<>(Arch.class);
        private final Map<Arch, Map<Integer, SyscallRule>> unconditional = new EnumMap<>(Arch.class);
        private final Map<Arch, Integer> enosysAbove = new EnumMap<>(Arch.class);

        private Builder(SeccompAction defaultAction) {
            if (defaultAction == null) {
                throw new IllegalArgumentException("seccomp filter without a default action");
            }
            this.defaultAction = defaultAction;
            this.foreignArchAction = defaultAction;
        }

        /** The action for other architectures; the default action unless set. */
        public Builder foreignArchAction(SeccompAction action) {
            this.foreignArchAction = action;
            return this;
        }

        /** Adds {@code arch} to the architectures the filter accepts (implied by {@link #rule}). */
        public Builder arch(Arch arch) {
            conditional.computeIfAbsent(arch, a -> new TreeMap<>());
            unconditional.computeIfAbsent(arch, a -> new TreeMap<>());
            return this;
        }

        public Builder rule(Arch arch, int nr, SyscallRule rule) {
            if (nr < 0) {
                throw new IllegalArgumentException("negative syscall number " + nr);
            }
            arch(arch);
            if (rule.isConditional()) {
                conditional.get(arch).computeIfAbsent(nr, k -> new ArrayList<>()).add(rule);
                return this;
            }
            SyscallRule earlier = unconditional.get(arch).putIfAbsent(nr, rule);
            if (earlier != null && !earlier.action().equals(rule.action())) {
                throw new IllegalArgumentException("syscall " + nr + " on " + arch.kernelName()
                        + " has two unconditional actions: " + earlier.action() + " and " + rule.action());
            }
            return this;
        }

        /**
         * Syscalls numbered above {@code highest} get ERRNO(ENOSYS): a syscall newer than the
         * profile then looks unimplemented, so libc falls back to an older one (runc does the
         * same since 1.0.0, e.g. for clone3 under older profiles).
         */
        public Builder enosysAbove(Arch arch, int highest) {
            arch(arch);
            enosysAbove.put(arch, highest);
            return this;
        }

        public SeccompFilter build() {
            return new SeccompFilter(this);
        }
    }
}
