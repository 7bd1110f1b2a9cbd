package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.BpfInsn;
import io.jnerd.nativebindings.SeccompData;
import java.util.List;
import java.util.Set;

/**
 * Runs a seccomp classic-BPF program over one {@code seccomp_data}, checking it first the way
 * the kernel does (opcode subset, in-range forward jumps, aligned loads inside seccomp_data,
 * every path ending in RET). For tests only.
 */
public final class BpfInterpreter {

    private static final Set<Integer> ALLOWED = Set.of(BpfInsn.LD_W_ABS, BpfInsn.ALU_AND_K, BpfInsn.JA,
            BpfInsn.JEQ_K, BpfInsn.JGT_K, BpfInsn.JGE_K, BpfInsn.JSET_K, BpfInsn.RET_K);

    /** The result of one run: the filter's return value and how many instructions ran. */
    public record Result(int ret, int steps) {
        public SeccompAction action() {
            return SeccompAction.fromRet(ret);
        }
    }

    private final List<BpfInsn> code;

    public BpfInterpreter(BpfProgram program) {
        this.code = program.instructions();
        verify();
    }

    private void verify() {
        for (int pc = 0; pc < code.size(); pc++) {
            BpfInsn i = code.get(pc);
            if (!ALLOWED.contains(i.code())) {
                throw new AssertionError("opcode not allowed in seccomp filters at " + pc + ": " + i);
            }
            if (i.code() == BpfInsn.LD_W_ABS && (i.k() % 4 != 0 || i.k() < 0 || i.k() + 4 > SeccompData.SIZE)) {
                throw new AssertionError("load outside seccomp_data at " + pc + ": " + i);
            }
            if (i.code() == BpfInsn.JA && (i.k() < 0 || pc + 1 + (long) i.k() >= code.size())) {
                throw new AssertionError("JA out of program at " + pc + ": " + i);
            }
            if (i.isConditionalJump() && (pc + 1 + Math.max(i.jt(), i.jf()) >= code.size())) {
                throw new AssertionError("branch out of program at " + pc + ": " + i);
            }
        }
        if (code.get(code.size() - 1).code() != BpfInsn.RET_K) {
            throw new AssertionError("program does not end in RET");
        }
    }

    public Result run(int arch, int nr, long... args) {
        int a = 0;
        int pc = 0;
        int steps = 0;
        while (true) {
            BpfInsn i = code.get(pc++);
            steps++;
            switch (i.code()) {
                case BpfInsn.LD_W_ABS:
                    a = word(i.k(), arch, nr, args);
                    break;
                case BpfInsn.ALU_AND_K:
                    a &= i.k();
                    break;
                case BpfInsn.JA:
                    pc += i.k();
                    break;
                case BpfInsn.JEQ_K:
                    pc += a == i.k() ? i.jt() : i.jf();
                    break;
                case BpfInsn.JGT_K:
                    pc += Integer.compareUnsigned(a, i.k()) > 0 ? i.jt() : i.jf();
                    break;
                case BpfInsn.JGE_K:
                    pc += Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf();
                    break;
                case BpfInsn.JSET_K:
                    pc += (a & i.k()) != 0 ? i.jt() : i.jf();
                    break;
                case BpfInsn.RET_K:
                    return new Result(i.k(), steps);
                default:
                    throw new AssertionError("unexpected " + i);
            }
        }
    }

    private static int word(int offset, int arch, int nr, long[] args) {
        if (offset == SeccompData.NR) {
            return nr;
        }
        if (offset == SeccompData.ARCH) {
            return arch;
        }
        if (offset < SeccompData.ARGS) {
            return 0; // instruction_pointer: the filters under test never read it
        }
        int index = (offset - SeccompData.ARGS) / 8;
        long arg = index < args.length ? args[index] : 0;
        return (offset - SeccompData.ARGS) % 8 == 0 ? (int) arg : (int) (arg >>> 32);
    }
}
