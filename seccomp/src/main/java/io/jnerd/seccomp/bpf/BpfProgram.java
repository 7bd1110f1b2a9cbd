package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.BpfInsn;
import io.jnerd.nativebindings.Seccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** A finished classic-BPF program, ready for {@code seccomp(SECCOMP_SET_MODE_FILTER)}. */
public final class BpfProgram {

    private final List<BpfInsn> instructions;

    public BpfProgram(List<BpfInsn> instructions) {
        if (instructions.isEmpty() || instructions.size() > Seccomp.MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a seccomp filter needs 1 to " + Seccomp.MAX_INSTRUCTIONS
                    + " instructions (BPF_MAXINSNS), this one has " + instructions.size());
        }
        this.instructions = List.copyOf(instructions);
    }

    public List<BpfInsn> instructions() {
        return instructions;
    }

    public int size() {
        return instructions.size();
    }

    /** The {@code struct sock_filter} array in native byte order, as the kernel reads it. */
    public byte[] encode() {
        return encode(ByteOrder.nativeOrder());
    }

    public byte[] encode(ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(instructions.size() * Seccomp.INSTRUCTION_SIZE).order(order);
        for (BpfInsn i : instructions) {
            i.encodeTo(b);
        }
        return b.array();
    }

    /** One instruction per line, numbered, for debugging and test failure messages. */
    public String disassemble() {
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < instructions.size(); pc++) {
            sb.append(String.format("%4d: %s%n", pc, instructions.get(pc)));
        }
        return sb.toString();
    }
}
