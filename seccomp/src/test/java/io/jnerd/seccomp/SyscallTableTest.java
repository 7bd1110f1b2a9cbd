package io.jnerd.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.nativebindings.Arch;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    @Test
    void namesByNumberOnEachArchitectureAndNumbersItLacks() {
        SyscallTable t = SyscallTable.get();
        assertEquals("connect", t.name(Arch.X86_64, 42));
        assertEquals("connect", t.name(Arch.AARCH64, 203));
        assertEquals("arch_prctl", t.name(Arch.X86_64, t.number(Arch.X86_64, "arch_prctl").getAsInt()));
        assertEquals("syscall -1", t.name(Arch.X86_64, -1));
        assertEquals("syscall 100000", t.name(Arch.AARCH64, 100000));
        // Every number the table maps reads back to its name.
        t.numbers(Arch.AARCH64).forEach((nr, name) -> assertEquals(name, t.name(Arch.AARCH64, nr)));
    }
}
