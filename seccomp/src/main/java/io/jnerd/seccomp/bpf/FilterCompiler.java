package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.BpfInsn;
import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.SeccompData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Compiles a {@link SeccompFilter} to classic BPF. Layout: check the architecture, then per
 * architecture load the syscall number, send x32 numbers and (optionally) numbers newer than
 * the profile away, and find the syscall with a balanced binary search over the numbers
 * that have rules (about log2(n) compares instead of a chain of n). A syscall whose only
 * rule is unconditional jumps straight to its action; the others jump to a block that
 * tests their argument conditions. Every distinct action is one RET at the end.
 */
public final class FilterCompiler {

    /** A leaf of the search tree compares this many numbers one by one. */
    private static final int LEAF_SIZE = 3;

    private final SeccompFilter filter;
    private final Assembler asm = new Assembler();
    private final Map<SeccompAction, Assembler.Label> returns = new LinkedHashMap<>();

    private FilterCompiler(SeccompFilter filter) {
        this.filter = filter;
    }

    public static BpfProgram compile(SeccompFilter filter) {
        return new FilterCompiler(filter).compile();
    }

    private BpfProgram compile() {
        List<Arch> arches = new ArrayList<>(filter.arches());
        List<Assembler.Label> archStarts = new ArrayList<>();
        asm.load(SeccompData.ARCH);
        for (int i = 0; i < arches.size(); i++) {
            Assembler.Label start = asm.label();
            archStarts.add(start);
            boolean last = i == arches.size() - 1;
            asm.branch(BpfInsn.JEQ_K, arches.get(i).auditArch(), start,
                    last ? returnOf(filter.foreignArchAction()) : next());
        }
        if (arches.isEmpty()) {
            asm.jump(returnOf(filter.foreignArchAction()));
        }
        for (int i = 0; i < arches.size(); i++) {
            asm.bind(archStarts.get(i));
            emitArch(arches.get(i));
        }
        returns.forEach((action, label) -> {
            asm.bind(label);
            asm.ret(action.ret());
        });
        return asm.assemble();
    }

    private void emitArch(Arch arch) {
        asm.load(SeccompData.NR);
        if (arch == Arch.X86_64) {
            // x32 enters the x86_64 table with AUDIT_ARCH_X86_64 in seccomp_data.arch: the
            // arch check alone does not stop it.
            asm.branch(BpfInsn.JGE_K, CompatAbi.X32_SYSCALL_BIT, returnOf(filter.foreignArchAction()), next());
        }
        OptionalInt enosysAbove = filter.enosysAbove(arch);
        if (enosysAbove.isPresent()) {
            asm.branch(BpfInsn.JGT_K, enosysAbove.getAsInt(), returnOf(SeccompAction.errno(Errno.ENOSYS)), next());
        }
        List<Map.Entry<Integer, List<SyscallRule>>> syscalls = new ArrayList<>(filter.rules(arch).entrySet());
        List<Assembler.Label> targets = new ArrayList<>();
        Map<Assembler.Label, List<SyscallRule>> blocks = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<SyscallRule>> e : syscalls) {
            List<SyscallRule> rules = e.getValue();
            if (rules.size() == 1 && !rules.get(0).isConditional()) {
                targets.add(returnOf(rules.get(0).action()));
            } else {
                Assembler.Label block = asm.label();
                targets.add(block);
                blocks.put(block, rules);
            }
        }
        emitSearch(syscalls, targets, 0, syscalls.size());
        blocks.forEach((label, rules) -> {
            asm.bind(label);
            emitRules(rules);
        });
    }

    /** Binary search over syscalls[from, to) by number; the accumulator holds the number. */
    private void emitSearch(List<Map.Entry<Integer, List<SyscallRule>>> syscalls, List<Assembler.Label> targets,
            int from, int to) {
        Assembler.Label notFound = returnOf(filter.defaultAction());
        if (to - from <= LEAF_SIZE) {
            if (from == to) {
                asm.jump(notFound);
            }
            for (int i = from; i < to; i++) {
                asm.branch(BpfInsn.JEQ_K, syscalls.get(i).getKey(), targets.get(i), i == to - 1 ? notFound : next());
            }
            return;
        }
        int mid = (from + to) >>> 1;
        Assembler.Label upper = asm.label();
        asm.branch(BpfInsn.JGE_K, syscalls.get(mid).getKey(), upper, next());
        emitSearch(syscalls, targets, from, mid);
        asm.bind(upper);
        emitSearch(syscalls, targets, mid, to);
    }

    /** Each conditional rule in turn, then the unconditional rule or the default action. */
    private void emitRules(List<SyscallRule> rules) {
        SeccompAction fallback = filter.defaultAction();
        for (SyscallRule rule : rules) {
            if (!rule.isConditional()) {
                fallback = rule.action();
                continue;
            }
            Assembler.Label nextRule = asm.label();
            for (ArgCondition c : rule.conditions()) {
                Assembler.Label holds = asm.label();
                emitCondition(c, holds, nextRule);
                asm.bind(holds);
            }
            asm.jump(returnOf(rule.action()));
            asm.bind(nextRule);
        }
        asm.jump(returnOf(fallback));
    }

    /**
     * A 64-bit comparison from two 32-bit ones: the high words decide unless they are equal,
     * then the low words decide. All compares are unsigned, as in cBPF and libseccomp.
     */
    private void emitCondition(ArgCondition c, Assembler.Label holds, Assembler.Label fails) {
        int hi = (int) (c.value() >>> 32);
        int lo = (int) c.value();
        int hiAt = SeccompData.argHigh(c.index());
        int loAt = SeccompData.argLow(c.index());
        switch (c.op()) {
            case EQ:
                asm.load(hiAt);
                asm.branch(BpfInsn.JEQ_K, hi, next(), fails);
                asm.load(loAt);
                asm.branch(BpfInsn.JEQ_K, lo, holds, fails);
                break;
            case NE:
                asm.load(hiAt);
                asm.branch(BpfInsn.JEQ_K, hi, next(), holds);
                asm.load(loAt);
                asm.branch(BpfInsn.JEQ_K, lo, fails, holds);
                break;
            case GT:
            case GE:
                asm.load(hiAt);
                asm.branch(BpfInsn.JGT_K, hi, holds, next());
                asm.branch(BpfInsn.JEQ_K, hi, next(), fails);
                asm.load(loAt);
                asm.branch(c.op() == CompareOp.GT ? BpfInsn.JGT_K : BpfInsn.JGE_K, lo, holds, fails);
                break;
            case LT:
            case LE:
                // LT is "not GE", LE is "not GT": the same code with the outcomes swapped.
                asm.load(hiAt);
                asm.branch(BpfInsn.JGT_K, hi, fails, next());
                asm.branch(BpfInsn.JEQ_K, hi, next(), holds);
                asm.load(loAt);
                asm.branch(c.op() == CompareOp.LT ? BpfInsn.JGE_K : BpfInsn.JGT_K, lo, fails, holds);
                break;
            case MASKED_EQ:
                int expectedHi = (int) (c.valueTwo() >>> 32);
                int expectedLo = (int) c.valueTwo();
                asm.load(hiAt);
                asm.and(hi);
                asm.branch(BpfInsn.JEQ_K, expectedHi, next(), fails);
                asm.load(loAt);
                asm.and(lo);
                asm.branch(BpfInsn.JEQ_K, expectedLo, holds, fails);
                break;
            default:
                throw new AssertionError(c.op());
        }
    }

    /** A label bound to the instruction right after the one being emitted. */
    private Assembler.Label next() {
        return asm.nextInstruction();
    }

    private Assembler.Label returnOf(SeccompAction action) {
        return returns.computeIfAbsent(action, a -> asm.label());
    }
}
