package io.jnerd.nativebindings;

/**
 * Per-thread native memory for the structs of one call, so that hot paths (seccomp
 * notification receive and send, socket options, reads) allocate no direct buffer per call.
 *
 * <p>One user at a time on a thread: a family method takes the buffer, lays out its
 * structs at offsets of its choosing, makes its syscall and is done with it before it calls
 * into another family method that could take it too.
 *
 * <p>Each thread that makes such calls keeps one buffer (4 KiB to start) for its life, in a
 * ThreadLocal or, on a {@link NativeThread}, in a field of its own: call
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
        Thread t = Thread.currentThread();
        if (t instanceof NativeThread n) {
            // Its own field: no ThreadLocal lookup on a hot loop's thread.
            NativeBuffer b = n.scratch();
            if (b == null || b.size() < size) {
                b = grown(b, size);
                n.scratch(b);
            }
            return b;
        }
        NativeBuffer b = PER_THREAD.get();
        if (b.size() < size) {
            b = grown(b, size);
            PER_THREAD.set(b);
        }
        return b;
    }

    /** A buffer of at least {@code size} bytes that replaces {@code old} (null: none yet). */
    private static NativeBuffer grown(NativeBuffer old, int size) {
        return new NativeBuffer(Math.max(size, old == null ? INITIAL : old.size() * 2));
    }

    /** Like {@link #get} but with the first {@code size} bytes zeroed. */
    static NativeBuffer zeroed(int size) {
        return get(size).clear(0, size);
    }
}
