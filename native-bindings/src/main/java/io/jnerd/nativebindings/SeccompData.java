package io.jnerd.nativebindings;

/**
 * Offsets into {@code struct seccomp_data} (linux/seccomp.h): int nr, u32 arch,
 * u64 instruction_pointer, u64 args[6]. Both architectures jnerd supports are little-endian,
 * so the low 32 bits of an argument come first.
 */
public final class SeccompData {

    public static final int NR = 0;
    public static final int ARCH = 4;
    public static final int INSTRUCTION_POINTER = 8;
    public static final int ARGS = 16;
    public static final int SIZE = 64;
    public static final int ARG_COUNT = 6;

    private SeccompData() {}

    public static int argLow(int index) {
        return ARGS + 8 * checkIndex(index);
    }

    public static int argHigh(int index) {
        return ARGS + 8 * checkIndex(index) + 4;
    }

    private static int checkIndex(int index) {
        if (index < 0 || index >= ARG_COUNT) {
            throw new IllegalArgumentException("syscall argument index " + index + " out of range 0..5");
        }
        return index;
    }
}
