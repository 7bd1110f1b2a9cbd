package io.jnerd.nativebindings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct msghdr of the 64-bit ABI (linux/socket.h), decoded from its bytes, with the layouts
 * around it: struct mmsghdr, struct iovec (linux/uio.h) and struct cmsghdr. Pure: the bytes
 * come from wherever the caller read them (another process's memory, say), nothing here
 * makes a syscall.
 *
 * @param name msg_name, a pointer
 * @param nameLength msg_namelen
 * @param iov msg_iov, a pointer to {@code iovCount} struct iovec
 * @param iovCount msg_iovlen (a size_t: compare it unsigned)
 * @param control msg_control, a pointer
 * @param controlLength msg_controllen (a size_t: compare it unsigned)
 */
public record Msghdr(long name, int nameLength, long iov, long iovCount, long control, long controlLength) {

    /** sizeof(struct msghdr): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48. */
    public static final int SIZE = 56;
    /** sizeof(struct mmsghdr): a msghdr, then unsigned int msg_len, padded to 8. */
    public static final int MMSGHDR_SIZE = 64;
    /** offsetof(struct mmsghdr, msg_len). */
    public static final int MMSG_LEN_AT = 56;
    /** sizeof(struct iovec): void *iov_base, size_t iov_len. */
    public static final int IOVEC_SIZE = 16;
    /** UIO_MAXIOV (linux/uio.h): more iovecs is EMSGSIZE, and sendmmsg sends at most this many messages. */
    public static final int UIO_MAXIOV = 1024;
    /** CMSG_ALIGN(sizeof(struct cmsghdr)): size_t cmsg_len, int cmsg_level, int cmsg_type; data at 16. */
    public static final int CMSG_HEADER = 16;

    /** The {@link #SIZE} bytes of a struct msghdr, in native order. */
    public static Msghdr decode(byte[] bytes) {
        if (bytes.length < SIZE) {
            throw new IllegalArgumentException("struct msghdr of " + bytes.length + " bytes, expected " + SIZE);
        }
        ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        return new Msghdr(h.getLong(0), h.getInt(8), h.getLong(16), h.getLong(24), h.getLong(32), h.getLong(40));
    }

    /** iov_base of iovec {@code i} in a native-order buffer of iovecs. */
    public static long iovBase(ByteBuffer iovecs, int i) {
        return iovecs.getLong(i * IOVEC_SIZE);
    }

    /** iov_len of iovec {@code i} in a native-order buffer of iovecs. */
    public static long iovLength(ByteBuffer iovecs, int i) {
        return iovecs.getLong(i * IOVEC_SIZE + 8);
    }

    /** cmsg_len of the control message at {@code at}. */
    public static long cmsgLength(ByteBuffer control, int at) {
        return control.getLong(at);
    }

    public static int cmsgLevel(ByteBuffer control, int at) {
        return control.getInt(at + 8);
    }

    public static int cmsgType(ByteBuffer control, int at) {
        return control.getInt(at + 12);
    }

    /** Where the message after the one at {@code at} of {@code length} bytes starts (CMSG_ALIGN, __cmsg_nxthdr). */
    public static int cmsgNext(int at, long length) {
        return (int) (at + ((length + 7) & ~7L));
    }
}
