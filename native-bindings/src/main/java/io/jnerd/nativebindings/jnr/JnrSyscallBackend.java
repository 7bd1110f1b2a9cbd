package io.jnerd.nativebindings.jnr;

import com.kenai.jffi.MemoryIO;
import io.jnerd.nativebindings.spi.SyscallBackend;
import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/** {@code syscall(2)} through jnr-ffi, for JDKs without a final FFM API (17 to 21). */
public final class JnrSyscallBackend implements SyscallBackend {

    /** The libc binding; {@code @SaveError} makes jnr read errno right after the call. */
    public interface LibC {
        @SaveError
        long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
    }

    private final LibC libc;
    private final Runtime runtime;
    private final MemoryIO memory = MemoryIO.getInstance();

    public JnrSyscallBackend() {
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
    }

    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long result = libc.syscall(nr, a1, a2, a3, a4, a5, a6);
        return result == -1 ? -runtime.getLastError() : result;
    }

    @Override
    public long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return memory.getDirectBufferAddress(direct);
    }
}
