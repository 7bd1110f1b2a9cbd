package io.jnerd.nativebindings;

/**
 * Per-thread native memory for the structs of one call, so that hot paths (seccomp
 * notification receive and send, socket options, reads) allocate no direct buffer per call.
 *
 * <p>One user at a time on a thread: a family method takes the buffer, lays out its
 * structs at offsets of its choosing, makes its syscall and is done with it before it calls
 * into another family method that could take it too.
 *
 * <p>Each thread that makes such calls keeps one buffer (4 KiB to start) for its life: call
 * from long-lived platform threads (a pool, the supervisor loop), not from a new thread or
 * virtual thread per call, which would allocate a buffer each time.
 */
final class Scratch {

    private static final int INITIAL = 4096;
    private static final ThreadLocal<NativeBuffer> PER_THREAD =
            ThreadLocal.withInitial(() -> new NativeBuffer(INITIAL));

    private Scratch() {}

    /** This thread's buffer, grown to at least {@code size} bytes; contents are undefined. */
    static NativeBuffer get(int size) {
        NativeBuffer b = PER_THREAD.get();
        if (b.size() < size) {
            b = new NativeBuffer(Math.max(size, b.size() * 2));
            PER_THREAD.set(b);
        }
        return b;
    }

    /** Like {@link #get} but with the first {@code size} bytes zeroed. */
    static NativeBuffer zeroed(int size) {
        return get(size).clear(0, size);
    }
}
