package io.jnerd.nativebindings.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jnerd.nativebindings.spi.SyscallBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * {@code syscall(2)} through the Panama linker (final in JDK 22). errno is read from the
 * linker's call-state capture, so nothing the JVM does between the call and our read can
 * overwrite it.
 */
public final class FfmSyscallBackend implements SyscallBackend {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // syscall(2) is variadic after the number: the ABI may pass variadic arguments
    // differently (it does on some platforms), so say where they start.
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(
                    () -> new UnsatisfiedLinkError("libc has no syscall symbol")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));

    /** One capture segment per thread, so calls need no allocation (a NativeThread's: newThreadState). */
    private static final ThreadLocal<MemorySegment> CALL_STATE_PER_THREAD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return call(CALL_STATE_PER_THREAD.get(), nr, a1, a2, a3, a4, a5, a6);
    }

    /** The errno capture segment, kept by a NativeThread in a field. */
    @Override
    public Object newThreadState() {
        return Arena.ofAuto().allocate(CALL_STATE);
    }

    @Override
    public long syscall(Object threadState, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return call((MemorySegment) threadState, nr, a1, a2, a3, a4, a5, a6);
    }

    private static long call(MemorySegment state, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long result;
        try {
            result = (long) SYSCALL.invokeExact(state, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
        return result == -1 ? -(int) ERRNO.get(state, 0L) : result;
    }

    @Override
    public long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return MemorySegment.ofBuffer(direct.duplicate().clear()).address();
    }
}
