package io.jnerd.seccomp.bpf;

import io.jnerd.nativebindings.SeccompData;

/**
 * A test on one 64-bit syscall argument. Values are unsigned 64-bit numbers held in a long.
 * For {@link CompareOp#MASKED_EQ}, {@code value} is the mask and {@code valueTwo} the expected
 * masked value (the OCI runtime spec's convention); other operators ignore {@code valueTwo}.
 */
public record ArgCondition(int index, CompareOp op, long value, long valueTwo) {

    public ArgCondition {
        if (index < 0 || index >= SeccompData.ARG_COUNT) {
            throw new IllegalArgumentException("syscall argument index " + index + " out of range 0..5");
        }
        if (op == null) {
            throw new IllegalArgumentException("argument condition without an operator");
        }
    }

    public static ArgCondition of(int index, CompareOp op, long value) {
        return new ArgCondition(index, op, value, 0);
    }

    public static ArgCondition maskedEq(int index, long mask, long expected) {
        return new ArgCondition(index, CompareOp.MASKED_EQ, mask, expected);
    }

    /** What the condition means for a concrete argument (the reference the compiler is tested against). */
    public boolean test(long arg) {
        switch (op) {
            case EQ: return arg == value;
            case NE: return arg != value;
            case LT: return Long.compareUnsigned(arg, value) < 0;
            case LE: return Long.compareUnsigned(arg, value) <= 0;
            case GT: return Long.compareUnsigned(arg, value) > 0;
            case GE: return Long.compareUnsigned(arg, value) >= 0;
            case MASKED_EQ: return (arg & value) == valueTwo;
            default: throw new AssertionError(op);
        }
    }
}
