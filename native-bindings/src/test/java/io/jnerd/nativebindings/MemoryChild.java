package io.jnerd.nativebindings;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Child JVM of {@link ProcessMemoryKernelTest}: fills a native buffer with a known pattern,
 * a C string and a sockaddr, prints the buffer's address, waits for a line on stdin (the
 * parent has written into the buffer by then) and prints bytes 100 to 102.
 */
public final class MemoryChild {

    static final int SIZE = 3 * 4096;
    static final int CSTRING_AT = 4096 - 6;
    static final String CSTRING = "jnerd-crosses-a-page";
    static final int SOCKADDR_AT = 9000;

    private MemoryChild() {}

    static byte pattern(int i) {
        return (byte) (i * 7 + 3);
    }

    static byte[] sockaddr() throws Exception {
        return SockAddr.inet(InetAddress.getByName("127.0.0.1"), 8080).encode();
    }

    public static void main(String[] args) throws Exception {
        NativeBuffer b = new NativeBuffer(SIZE);
        for (int i = 0; i < SIZE; i++) {
            b.buffer().put(i, pattern(i));
        }
        byte[] s = CSTRING.getBytes(StandardCharsets.UTF_8);
        b.buffer().put(CSTRING_AT, s).put(CSTRING_AT + s.length, (byte) 0);
        b.buffer().put(SOCKADDR_AT, sockaddr());
        System.out.println(Long.toHexString(b.address()));
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.out.println(new String(b.bytes(100, 3), StandardCharsets.UTF_8));
        java.lang.ref.Reference.reachabilityFence(b);
    }
}
