package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.BpfInsn;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits classic-BPF with symbolic forward labels and resolves them. A conditional branch
 * whose target is more than 255 instructions away goes through a trampoline: the branch
 * skips 0 or 1 instructions to a {@code JA} right behind it, whose 32-bit offset reaches
 * anywhere. Trampolines only lengthen the program, so resolution repeats until no further
 * branch needs one.
 */
final class Assembler {

    /** A position in the program, bound once; branches may only go forward to it. */
    static final class Label {
        private int item = -1;
    }

    private static final class Item {
        final int code;
        final int k;
        final Label onTrue;  // the JA target for JA
        final Label onFalse;
        boolean trampolineTrue;
        boolean trampolineFalse;

        Item(int code, int k, Label onTrue, Label onFalse) {
            this.code = code;
            this.k = k;
            this.onTrue = onTrue;
            this.onFalse = onFalse;
        }

        boolean isBranch() {
            return onFalse != null;
        }

        int size() {
            return 1 + (trampolineTrue ? 1 : 0) + (trampolineFalse ? 1 : 0);
        }
    }

    private final List<Item> items = new ArrayList<>();

    Label label() {
        return new Label();
    }

    /** Binds {@code l} to the next instruction emitted. */
    void bind(Label l) {
        if (l.item >= 0) {
            throw new IllegalStateException("label bound twice");
        }
        l.item = items.size();
    }

    /**
     * A label for the instruction after the next one emitted: pass it to {@link #branch} for
     * "fall through".
     */
    Label nextInstruction() {
        Label l = label();
        l.item = items.size() + 1;
        return l;
    }

    void load(int offset) {
        items.add(new Item(BpfInsn.LD_W_ABS, offset, null, null));
    }

    void and(int mask) {
        items.add(new Item(BpfInsn.ALU_AND_K, mask, null, null));
    }

    /** A conditional jump ({@link BpfInsn#JEQ_K}, JGT, JGE, JSET) comparing A with {@code k}. */
    void branch(int code, int k, Label onTrue, Label onFalse) {
        items.add(new Item(code, k, onTrue, onFalse));
    }

    void jump(Label target) {
        items.add(new Item(BpfInsn.JA, 0, target, null));
    }

    void ret(int value) {
        items.add(new Item(BpfInsn.RET_K, value, null, null));
    }

    BpfProgram assemble() {
        int[] pos;
        boolean changed;
        do {
            pos = positions();
            changed = false;
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                if (!it.isBranch()) {
                    continue;
                }
                // Offsets count from the instruction after the branch, as if no trampoline.
                int next = pos[i] + 1;
                if (!it.trampolineTrue && pos[target(it.onTrue, i)] - next > BpfInsn.MAX_SHORT_JUMP) {
                    it.trampolineTrue = true;
                    changed = true;
                }
                if (!it.trampolineFalse && pos[target(it.onFalse, i)] - next > BpfInsn.MAX_SHORT_JUMP) {
                    it.trampolineFalse = true;
                    changed = true;
                }
            }
        } while (changed);
        return emit(pos);
    }

    private int[] positions() {
        int[] pos = new int[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            pos[i + 1] = pos[i] + items.get(i).size();
        }
        return pos;
    }

    private int target(Label l, int from) {
        if (l.item < 0 || l.item >= items.size()) {
            throw new IllegalStateException("label never bound to an instruction");
        }
        if (l.item <= from) {
            throw new IllegalStateException("BPF jumps only forward: instruction " + from + " -> " + l.item);
        }
        return l.item;
    }

    private BpfProgram emit(int[] pos) {
        List<BpfInsn> out = new ArrayList<>(pos[items.size()]);
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int next = pos[i] + 1;
            if (it.code == BpfInsn.JA) {
                out.add(new BpfInsn(BpfInsn.JA, 0, 0, pos[target(it.onTrue, i)] - next));
            } else if (!it.isBranch()) {
                out.add(new BpfInsn(it.code, 0, 0, it.k));
            } else {
                int trueAt = pos[target(it.onTrue, i)];
                int falseAt = pos[target(it.onFalse, i)];
                int jt = it.trampolineTrue ? 0 : trueAt - next;
                int jf = it.trampolineFalse ? (it.trampolineTrue ? 1 : 0) : falseAt - next;
                out.add(new BpfInsn(it.code, jt, jf, it.k));
                if (it.trampolineTrue) {
                    out.add(new BpfInsn(BpfInsn.JA, 0, 0, trueAt - (next + 1)));
                }
                if (it.trampolineFalse) {
                    int at = next + (it.trampolineTrue ? 1 : 0);
                    out.add(new BpfInsn(BpfInsn.JA, 0, 0, falseAt - (at + 1)));
                }
            }
        }
        return new BpfProgram(out);
    }
}
