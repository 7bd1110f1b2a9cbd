package io.jnerd.nativebindings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes another process's memory: process_vm_readv/writev (Linux 3.2), and
 * {@code /proc/PID/mem} when those are unavailable (ENOSYS: a kernel built without
 * CONFIG_CROSS_MEMORY_ATTACH; EPERM: a seccomp profile that forbids them). Both need
 * ptrace access to the target.
 *
 * <p>A supervisor reads a syscall's arguments (addresses, strings) once, and only then
 * checks with {@link SeccompNotify#isValid} that the target is still the same process.
 */
public final class ProcessMemory {

    /** Largest piece moved per syscall, so the per-thread scratch stays small. */
    static final int CHUNK = 64 * 1024;
    private static final int PAGE = 4096;
    // Two struct iovec (local, remote), then the data.
    private static final int REMOTE_IOV_AT = 16;
    private static final int DATA_AT = 32;

    private ProcessMemory() {}

    /**
     * Reads up to {@code len} bytes at {@code address} in {@code pid}.
     *
     * @return the count read; fewer than asked when the range runs into unmapped memory
     */
    public static int read(long pid, long address, byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        int n = Math.min(len, CHUNK);
        NativeBuffer b = Scratch.get(DATA_AT + n);
        long r = transfer(SysNr.PROCESS_VM_READV, b, pid, address, n);
        if (r == -Errno.ENOSYS || r == -Errno.EPERM) {
            return viaProcMem(pid, address, ByteBuffer.wrap(dst, off, n), false);
        }
        if (r == -Errno.EFAULT) {
            return 0;
        }
        checkTransfer(r, "process_vm_readv", pid, address, n);
        b.buffer().get(DATA_AT, dst, off, (int) r);
        return (int) r;
    }

    /** Reads exactly {@code len} bytes, or throws naming the address that could not be read. */
    public static void readFully(long pid, long address, byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = read(pid, address + done, dst, off + done, len - done);
            if (n <= 0) {
                throw new SyscallException("process_vm_readv", Errno.EFAULT, target(pid, address + done, len - done));
            }
            done += n;
        }
    }

    /**
     * Writes {@code src[off, off+len)} at {@code address} in {@code pid}.
     *
     * @return the count written; fewer when the range runs into unmapped or read-only memory
     */
    public static int write(long pid, long address, byte[] src, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        int n = Math.min(len, CHUNK);
        NativeBuffer b = Scratch.get(DATA_AT + n);
        b.buffer().put(DATA_AT, src, off, n);
        long r = transfer(SysNr.PROCESS_VM_WRITEV, b, pid, address, n);
        if (r == -Errno.ENOSYS || r == -Errno.EPERM) {
            return viaProcMem(pid, address, ByteBuffer.wrap(src, off, n), true);
        }
        if (r == -Errno.EFAULT) {
            return 0;
        }
        return (int) checkTransfer(r, "process_vm_writev", pid, address, n);
    }

    /**
     * Reads a NUL-terminated string at {@code address} (UTF-8), page by page so that a string
     * near the end of a mapping is read without touching the next page.
     *
     * @throws IOException when no NUL comes within {@code maxLength} bytes
     */
    public static String readCString(long pid, long address, int maxLength) throws IOException {
        byte[] bytes = new byte[maxLength];
        int done = 0;
        while (done < maxLength) {
            long at = address + done;
            int n = (int) Math.min(maxLength - done, PAGE - Long.remainderUnsigned(at, PAGE));
            readFully(pid, at, bytes, done, n);
            for (int i = done; i < done + n; i++) {
                if (bytes[i] == 0) {
                    return new String(bytes, 0, i, java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            done += n;
        }
        throw new IOException("no NUL-terminated string within " + maxLength + " bytes at "
                + target(pid, address, maxLength));
    }

    /** Reads and decodes a socket address of {@code length} bytes (a connect/bind argument). */
    public static SockAddr readSockAddr(long pid, long address, int length) throws IOException {
        if (length <= 0 || length > SockAddr.MAX_SIZE) {
            throw new IllegalArgumentException("sockaddr length " + length + " is outside 1-" + SockAddr.MAX_SIZE);
        }
        byte[] bytes = new byte[length];
        readFully(pid, address, bytes, 0, length);
        return SockAddr.decode(bytes, length);
    }

    /** One local and one remote iovec over {@code n} bytes; returns the raw result. */
    private static long transfer(int nr, NativeBuffer b, long pid, long address, int n) {
        ByteBuffer iov = b.buffer();
        iov.putLong(0, b.address(DATA_AT));
        iov.putLong(8, n);
        iov.putLong(REMOTE_IOV_AT, address);
        iov.putLong(REMOTE_IOV_AT + 8, n);
        return Sys.call(nr, pid, b.address(), 1, b.address(REMOTE_IOV_AT), 1, 0);
    }

    private static long checkTransfer(long r, String syscall, long pid, long address, int n) throws SyscallException {
        if (r < 0) {
            throw new SyscallException(syscall, (int) -r, target(pid, address, n));
        }
        return r;
    }

    static int viaProcMem(long pid, long address, ByteBuffer bytes, boolean write) throws IOException {
        Path mem = Path.of("/proc", Long.toString(pid), "mem");
        try (FileChannel ch = FileChannel.open(mem, write ? StandardOpenOption.WRITE : StandardOpenOption.READ)) {
            int n = write ? ch.write(bytes, address) : ch.read(bytes, address);
            return Math.max(n, 0);
        } catch (IOException e) {
            // An unmapped address gives EIO here, where process_vm_* give a short count.
            throw new IOException(mem + " at 0x" + Long.toHexString(address) + ": " + e.getMessage(), e);
        }
    }

    private static String target(long pid, long address, int length) {
        return "pid " + pid + " 0x" + Long.toHexString(address) + " (" + length + " bytes)";
    }
}
