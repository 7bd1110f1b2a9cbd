package io.jnerd.nativebindings;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The second syscall ABIs a 64-bit kernel serves besides the native one, as a seccomp
 * notification shows them: i386 ({@code int $0x80}, or a 32-bit program) and x32 on
 * x86_64, 32-bit ARM on aarch64. A 64-bit process can make these calls too, so a
 * supervisor that recognises syscalls by number must tell the ABIs apart first: i386's 362
 * is {@code connect}, x86_64's 362 does not exist.
 *
 * <p>Only the numbers jnerd's supervisor decides on are tabled: the socket calls that name
 * an address or open a socket to the world, and the few calls a 32-bit program may still
 * make natively under a bypass profile. Sources: arch/x86/entry/syscalls/syscall_32.tbl,
 * syscall_64.tbl (x32 rows), arch/arm/tools/syscall.tbl (EABI).
 */
public enum CompatAbi {
    /** i386 on x86_64 (IA32 emulation): AUDIT_ARCH_I386 = EM_386 | __AUDIT_ARCH_LE. */
    I386("i386", Arch.X86_64, 0x40000003, table(
            "exit", 1, "close", 6, "fcntl", 55, "socketcall", 102, "fcntl64", 221, "exit_group", 252,
            "sendmmsg", 345, "socket", 359, "socketpair", 360, "bind", 361, "connect", 362, "listen", 363,
            "accept4", 364, "setsockopt", 366, "getpeername", 368, "sendto", 369, "sendmsg", 370)),
    /**
     * x32 on x86_64: the native AUDIT_ARCH_X86_64 with {@link #X32_SYSCALL_BIT} in the number.
     * Most x32 numbers are x86_64's plus the bit; sendmsg, sendmmsg and setsockopt have
     * x32 numbers of their own (512 and up).
     */
    X32("x32", Arch.X86_64, Arch.X86_64.auditArch(), x32Table(
            "close", 3, "socket", 41, "connect", 42, "accept", 43, "sendto", 44, "bind", 49, "listen", 50,
            "getpeername", 52, "socketpair", 53, "exit", 60, "fcntl", 72, "exit_group", 231, "accept4", 288,
            "sendmsg", 518, "sendmmsg", 538, "setsockopt", 541)),
    /**
     * 32-bit ARM (EABI) on aarch64: AUDIT_ARCH_ARM = EM_ARM | __AUDIT_ARCH_LE. socketcall
     * (102) is an OABI call that arm64's compat table leaves unimplemented; tabled so that a
     * notification of it is named.
     */
    ARM("arm", Arch.AARCH64, 0x40000028, table(
            "exit", 1, "close", 6, "fcntl", 55, "socketcall", 102, "fcntl64", 221, "exit_group", 248,
            "socket", 281, "bind", 282, "connect", 283, "listen", 284, "accept", 285, "getpeername", 287,
            "socketpair", 288, "send", 289, "sendto", 290, "setsockopt", 294, "sendmsg", 296, "accept4", 366,
            "sendmmsg", 374)),
    /**
     * An audit arch the host's kernel does not serve. No filter notifies one, but should a
     * notification claim it, it is refused like any compat call jnerd has no table for.
     */
    UNKNOWN("unknown arch", null, 0, table());

    /**
     * __X32_SYSCALL_BIT (arch/x86/include/uapi/asm/unistd.h): set in the number of every
     * x32 syscall, whose audit arch is x86_64's.
     */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private final String label;
    private final Arch host;
    private final int auditArch;
    private final Map<Integer, String> names;
    private final Map<String, Integer> numbers;

    CompatAbi(String label, Arch host, int auditArch, Map<String, Integer> numbers) {
        this.label = label;
        this.host = host;
        this.auditArch = auditArch;
        this.numbers = numbers;
        Map<Integer, String> byNumber = new HashMap<>();
        numbers.forEach((name, nr) -> byNumber.put(nr, name));
        this.names = Collections.unmodifiableMap(byNumber);
    }

    /**
     * The compat ABI of a notification from a kernel running on {@code host}, or null for
     * the native ABI. The native test is one compare of the arch and one of the x32 bit
     * (which no aarch64 number has: there it only means an unknown native number).
     */
    public static CompatAbi of(Arch host, int auditArch, int nr) {
        if (auditArch == host.auditArch()) {
            return (nr & X32_SYSCALL_BIT) != 0 && host == Arch.X86_64 ? X32 : null;
        }
        for (CompatAbi abi : VALUES) {
            if (abi.host == host && abi.auditArch == auditArch) {
                return abi;
            }
        }
        return UNKNOWN;
    }

    private static final CompatAbi[] VALUES = values();

    /** "i386", "x32", "arm". */
    public String label() {
        return label;
    }

    /** The 64-bit architecture whose kernel serves this ABI; null for {@link #UNKNOWN}. */
    public Arch host() {
        return host;
    }

    /** seccomp_data.arch of this ABI's calls. */
    public int auditArch() {
        return auditArch;
    }

    /** The tabled name of {@code nr}, or "syscall NR". */
    public String name(int nr) {
        String n = names.get(nr);
        return n != null ? n : "syscall " + (this == X32 ? "x32+" + (nr & ~X32_SYSCALL_BIT) : Integer.toString(nr));
    }

    /** The number of {@code name} in this ABI, or -1 when it is not tabled (or the ABI lacks it). */
    public int number(String name) {
        Integer nr = numbers.get(name);
        return nr == null ? -1 : nr;
    }

    private static Map<String, Integer> table(Object... nameNumberPairs) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < nameNumberPairs.length; i += 2) {
            m.put((String) nameNumberPairs[i], (Integer) nameNumberPairs[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Integer> x32Table(Object... nameNumberPairs) {
        Object[] withBit = nameNumberPairs.clone();
        for (int i = 1; i < withBit.length; i += 2) {
            withBit[i] = X32_SYSCALL_BIT | (Integer) withBit[i];
        }
        return table(withBit);
    }
}
