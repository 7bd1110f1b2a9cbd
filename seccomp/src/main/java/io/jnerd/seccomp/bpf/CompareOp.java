package io.jnerd.seccomp.bpf;

/** How a syscall argument is compared, as libseccomp's SCMP_CMP_* (unsigned, 64-bit). */
public enum CompareOp {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    /** (arg &amp; value) == valueTwo. */
    MASKED_EQ
}
