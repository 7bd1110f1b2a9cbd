package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Arch;
import io.jnerd.seccomp.bpf.CompareOp;
import io.jnerd.seccomp.bpf.SeccompAction;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The spellings the OCI runtime spec (after libseccomp) uses for actions, operators, architectures and flags. */
public final class OciNames {

    public static final String ACT_NOTIFY = "SCMP_ACT_NOTIFY";
    public static final String ACT_ALLOW = "SCMP_ACT_ALLOW";
    public static final String ACT_ERRNO = "SCMP_ACT_ERRNO";
    public static final String CMP_EQ = "SCMP_CMP_EQ";
    public static final String CMP_NE = "SCMP_CMP_NE";

    private static final Map<String, SeccompAction.Kind> ACTIONS = Map.of(
            "SCMP_ACT_KILL", SeccompAction.Kind.KILL_THREAD,
            "SCMP_ACT_KILL_THREAD", SeccompAction.Kind.KILL_THREAD,
            "SCMP_ACT_KILL_PROCESS", SeccompAction.Kind.KILL_PROCESS,
            "SCMP_ACT_TRAP", SeccompAction.Kind.TRAP,
            ACT_ERRNO, SeccompAction.Kind.ERRNO,
            "SCMP_ACT_TRACE", SeccompAction.Kind.TRACE,
            ACT_ALLOW, SeccompAction.Kind.ALLOW,
            "SCMP_ACT_LOG", SeccompAction.Kind.LOG,
            ACT_NOTIFY, SeccompAction.Kind.USER_NOTIF);

    private static final Map<String, CompareOp> OPS = Map.of(
            CMP_NE, CompareOp.NE,
            "SCMP_CMP_LT", CompareOp.LT,
            "SCMP_CMP_LE", CompareOp.LE,
            CMP_EQ, CompareOp.EQ,
            "SCMP_CMP_GE", CompareOp.GE,
            "SCMP_CMP_GT", CompareOp.GT,
            "SCMP_CMP_MASKED_EQ", CompareOp.MASKED_EQ);

    /** Every architecture name runc accepts; jnerd compiles filters for two of them. */
    private static final Set<String> ARCHITECTURES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    private static final Map<String, Arch> COMPILED_ARCHITECTURES = Map.of(
            "SCMP_ARCH_X86_64", Arch.X86_64,
            "SCMP_ARCH_AARCH64", Arch.AARCH64);

    private static final Set<String> FLAGS = Set.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    private OciNames() {}

    public static Optional<SeccompAction.Kind> action(String name) {
        return Optional.ofNullable(ACTIONS.get(name));
    }

    public static Optional<CompareOp> op(String name) {
        return Optional.ofNullable(OPS.get(name));
    }

    public static boolean isArchitecture(String name) {
        return ARCHITECTURES.contains(name);
    }

    /** The architecture jnerd compiles for under this name, empty for the others (SCMP_ARCH_X86, ...). */
    public static Optional<Arch> compiledArch(String name) {
        return Optional.ofNullable(COMPILED_ARCHITECTURES.get(name));
    }

    public static String architectureName(Arch arch) {
        return arch == Arch.X86_64 ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
    }

    public static boolean isFlag(String name) {
        return FLAGS.contains(name);
    }
}
