package io.jnerd.seccomp.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.BpfInsn;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.SyscallTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {

    private static final int AUDIT_ARCH_I386 = 0x40000003;

    /** Values around the 32-bit halves where a hi/lo split can go wrong. */
    private static final long[] EDGES = {
        0L, 1L, 2L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL, 0x1_0000_0000L, 0x1_0000_0001L,
        0x1_FFFF_FFFFL, 0x2_0000_0000L, 0xFFFFFFFF_00000000L, 0xFFFFFFFF_FFFFFFFEL, -1L, Long.MAX_VALUE,
        Long.MIN_VALUE, 0x0000_0001_8000_0000L,
    };

    /** A distinct action for every number, so a dispatch to a neighbour shows. */
    private static SeccompAction actionFor(int nr) {
        switch (nr % 4) {
            case 0: return SeccompAction.allow();
            case 1: return SeccompAction.errno(1 + nr);
            case 2: return SeccompAction.trace(nr);
            default: return SeccompAction.errno(4000 + nr);
        }
    }

    @Test
    void everySyscallOfBothTablesGetsItsOwnAction() {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.killProcess());
        for (Arch arch : Arch.values()) {
            for (int nr : SyscallTable.get().numbers(arch).keySet()) {
                b.rule(arch, nr, SyscallRule.always(actionFor(nr + arch.ordinal())));
            }
        }
        SeccompFilter f = b.build();
        BpfProgram p = FilterCompiler.compile(f);
        BpfInterpreter vm = new BpfInterpreter(p);
        assertTrue(p.size() > 2 * BpfInsn.MAX_SHORT_JUMP, "large enough to need long jumps: " + p.size());
        assertTrue(p.instructions().stream().anyMatch(i -> i.code() == BpfInsn.JA), "uses JA trampolines");
        int maxSteps = 0;
        for (Arch arch : Arch.values()) {
            for (int nr = 0; nr < 1100; nr++) {
                BpfInterpreter.Result r = vm.run(arch.auditArch(), nr);
                assertEquals(FilterOracle.decide(f, arch.auditArch(), nr), r.action(), arch + " nr " + nr);
                maxSteps = Math.max(maxSteps, r.steps());
            }
        }
        // ~360 numbers: a chain would run hundreds of compares, the tree about log2(360) + a leaf.
        assertTrue(maxSteps <= 20, "dispatch is a search tree, longest path " + maxSteps + " instructions");
    }

    @Test
    void foreignArchitecturesAndX32GetTheForeignAction() {
        SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .foreignArchAction(SeccompAction.killProcess())
                .rule(Arch.X86_64, 1, SyscallRule.always(SeccompAction.allow()))
                .build();
        BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
        assertEquals(SeccompAction.allow(), vm.run(Arch.X86_64.auditArch(), 1).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.X86_64.auditArch(), 2).action());
        assertEquals(SeccompAction.killProcess(), vm.run(AUDIT_ARCH_I386, 1).action());
        assertEquals(SeccompAction.killProcess(), vm.run(Arch.AARCH64.auditArch(), 1).action());
        assertEquals(SeccompAction.killProcess(), vm.run(Arch.X86_64.auditArch(), 0x40000000 | 1).action(), "x32 write");
        assertEquals(SeccompAction.killProcess(), vm.run(Arch.X86_64.auditArch(), -1).action());
    }

    @Test
    void aarch64HasNoX32CheckAndBothArchesDispatchSeparately() {
        SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .rule(Arch.X86_64, 42, SyscallRule.always(SeccompAction.userNotif()))
                .rule(Arch.AARCH64, 203, SyscallRule.always(SeccompAction.userNotif()))
                .build();
        BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
        assertEquals(SeccompAction.userNotif(), vm.run(Arch.X86_64.auditArch(), 42).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.X86_64.auditArch(), 203).action());
        assertEquals(SeccompAction.userNotif(), vm.run(Arch.AARCH64.auditArch(), 203).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.AARCH64.auditArch(), 42).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.AARCH64.auditArch(), 0x40000000 | 203).action());
    }

    @Test
    void syscallsNewerThanTheProfileGetEnosys() {
        SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .rule(Arch.X86_64, 0, SyscallRule.always(SeccompAction.allow()))
                .enosysAbove(Arch.X86_64, 435)
                .build();
        BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(Arch.X86_64.auditArch(), 435).action());
        assertEquals(SeccompAction.errno(Errno.ENOSYS), vm.run(Arch.X86_64.auditArch(), 436).action());
        assertEquals(SeccompAction.allow(), vm.run(Arch.X86_64.auditArch(), 0).action());
    }

    @Test
    void everyOperatorMatchesUnsigned64BitSemanticsAtTheWordEdges() {
        for (CompareOp op : CompareOp.values()) {
            for (long value : EDGES) {
                ArgCondition c = op == CompareOp.MASKED_EQ
                        ? ArgCondition.maskedEq(3, value, value & 0xFFFFFFFF_0000FFFFL)
                        : ArgCondition.of(3, op, value);
                SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                        .rule(Arch.X86_64, 72, SyscallRule.when(SeccompAction.userNotif(), c))
                        .build();
                BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
                for (long arg : EDGES) {
                    SeccompAction want = c.test(arg) ? SeccompAction.userNotif() : SeccompAction.errno(Errno.EPERM);
                    assertEquals(want, vm.run(Arch.X86_64.auditArch(), 72, 0, 0, 0, arg).action(),
                            () -> op + " " + Long.toHexString(value) + " on " + Long.toHexString(arg));
                }
            }
        }
    }

    @Test
    void conditionsOfOneRuleAreAndRulesOfOneSyscallAreOrAndTheUnconditionalRuleComesLast() {
        int fcntl = 72;
        int fSetfl = 4;
        SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .rule(Arch.X86_64, fcntl, SyscallRule.always(SeccompAction.allow()))
                .rule(Arch.X86_64, fcntl, SyscallRule.when(SeccompAction.userNotif(),
                        ArgCondition.of(1, CompareOp.EQ, fSetfl), ArgCondition.of(0, CompareOp.LT, 3)))
                .rule(Arch.X86_64, fcntl, SyscallRule.when(SeccompAction.log(),
                        ArgCondition.of(1, CompareOp.EQ, 1030)))
                .build();
        BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
        int x86 = Arch.X86_64.auditArch();
        assertEquals(SeccompAction.userNotif(), vm.run(x86, fcntl, 2, fSetfl).action());
        assertEquals(SeccompAction.allow(), vm.run(x86, fcntl, 3, fSetfl).action(), "second condition fails");
        assertEquals(SeccompAction.log(), vm.run(x86, fcntl, 7, 1030).action(), "second rule");
        assertEquals(SeccompAction.allow(), vm.run(x86, fcntl, 0, 1).action(), "no rule matches");
    }

    @Test
    void conditionalRulesWithoutFallbackGiveTheDefaultAction() {
        SeccompFilter f = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .rule(Arch.AARCH64, 92, SyscallRule.when(SeccompAction.allow(), ArgCondition.of(0, CompareOp.EQ, 0)))
                .rule(Arch.AARCH64, 92, SyscallRule.when(SeccompAction.allow(),
                        ArgCondition.of(0, CompareOp.EQ, 0xFFFFFFFFL)))
                .build();
        BpfInterpreter vm = new BpfInterpreter(FilterCompiler.compile(f));
        int a64 = Arch.AARCH64.auditArch();
        assertEquals(SeccompAction.allow(), vm.run(a64, 92, 0).action());
        assertEquals(SeccompAction.allow(), vm.run(a64, 92, 0xFFFFFFFFL).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(a64, 92, 0x1_FFFFFFFFL).action());
        assertEquals(SeccompAction.errno(Errno.EPERM), vm.run(a64, 92, 8).action());
    }

    @Test
    void blocksFarFromTheirReturnsUseLongJumps() {
        // Many conditional rules push the shared RETs more than 255 instructions away from
        // the first blocks and from the search tree's leaves.
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM));
        for (int nr = 0; nr < 300; nr++) {
            b.rule(Arch.X86_64, nr, SyscallRule.when(actionFor(nr), ArgCondition.of(nr % 6, CompareOp.GE, nr)));
        }
        SeccompFilter f = b.build();
        BpfProgram p = FilterCompiler.compile(f);
        assertTrue(p.size() > 1000, "program spans far more than 255 instructions: " + p.size());
        BpfInterpreter vm = new BpfInterpreter(p);
        for (int nr = 0; nr < 310; nr++) {
            for (long arg : new long[] {nr - 1L, nr, 0x1_0000_0000L}) {
                long[] args = new long[6];
                args[nr % 6] = arg;
                assertEquals(FilterOracle.decide(f, Arch.X86_64.auditArch(), nr, args),
                        vm.run(Arch.X86_64.auditArch(), nr, args).action(), "nr " + nr + " arg " + arg);
            }
        }
    }

    @Test
    void twoUnconditionalActionsForOneSyscallAreRefused() {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM))
                .rule(Arch.X86_64, 42, SyscallRule.always(SeccompAction.allow()))
                .rule(Arch.X86_64, 42, SyscallRule.always(SeccompAction.allow()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.rule(Arch.X86_64, 42, SyscallRule.always(SeccompAction.userNotif())));
        assertTrue(e.getMessage().contains("syscall 42"), e.getMessage());
    }

    @Test
    void programsLongerThanTheKernelAcceptsAreRefused() {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.errno(Errno.EPERM));
        for (int nr = 0; nr < 500; nr++) {
            b.rule(Arch.X86_64, nr, SyscallRule.when(SeccompAction.allow(), ArgCondition.of(0, CompareOp.EQ, nr),
                    ArgCondition.of(1, CompareOp.EQ, nr)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FilterCompiler.compile(b.build()));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void actionsEncodeTheKernelReturnValues() {
        assertEquals(0x7fff0000, SeccompAction.allow().ret());
        assertEquals(0x00050001, SeccompAction.errno(1).ret());
        assertEquals(0x80000000, SeccompAction.killProcess().ret());
        assertEquals(0x00000000, SeccompAction.killThread().ret());
        assertEquals(0x00030000, SeccompAction.trap().ret());
        assertEquals(0x7ffc0000, SeccompAction.log().ret());
        assertEquals(0x7fc00000, SeccompAction.userNotif().ret());
        assertEquals(0x7ff00007, SeccompAction.trace(7).ret());
        assertThrows(IllegalArgumentException.class, () -> SeccompAction.errno(0x10000));
    }

    @Test
    void encodingIsStructSockFilter() {
        BpfProgram p = new BpfProgram(List.of(new BpfInsn(BpfInsn.JEQ_K, 1, 2, 0x01020304),
                new BpfInsn(BpfInsn.RET_K, 0, 0, 0x7fff0000)));
        byte[] le = p.encode(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(16, le.length);
        assertEquals(0x15, le[0]);
        assertEquals(0, le[1]);
        assertEquals(1, le[2]);
        assertEquals(2, le[3]);
        assertEquals(0x04, le[4]);
        assertEquals(0x01, le[7]);
    }
}
