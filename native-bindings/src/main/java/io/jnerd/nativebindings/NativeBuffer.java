package io.jnerd.nativebindings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A direct, native-order buffer and its address, looked up once. Structs passed to the
 * kernel live here. The address is valid while this object is reachable: methods that
 * pass it to a syscall keep the buffer referenced until the call returns.
 */
public final class NativeBuffer {

    private final ByteBuffer buffer;
    private final long address;

    public NativeBuffer(int size) {
        this.buffer = ByteBuffer.allocateDirect(Math.max(size, 1)).order(ByteOrder.nativeOrder());
        this.address = Native.backend().addressOf(buffer);
    }

    /** The buffer, for reading and writing fields by absolute index. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int size() {
        return buffer.capacity();
    }

    /** Zeroes the whole buffer (structs the kernel checks for unused fields being zero). */
    public NativeBuffer clear() {
        return clear(0, buffer.capacity());
    }

    /** Zeroes {@code length} bytes from {@code offset}, eight at a time where it can. */
    public NativeBuffer clear(int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            buffer.putLong(i, 0L);
        }
        for (; i < end; i++) {
            buffer.put(i, (byte) 0);
        }
        return this;
    }

    /** Copies {@code length} bytes at {@code offset} out into a new array. */
    public byte[] bytes(int offset, int length) {
        byte[] out = new byte[length];
        buffer.get(offset, out);
        return out;
    }

    long address() {
        return address;
    }

    long address(int offset) {
        return address + offset;
    }

    /** A NUL-terminated copy of a string, for path arguments. */
    static NativeBuffer cString(String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        NativeBuffer b = new NativeBuffer(bytes.length + 1);
        b.buffer.put(0, bytes);
        b.buffer.put(bytes.length, (byte) 0);
        return b;
    }
}
