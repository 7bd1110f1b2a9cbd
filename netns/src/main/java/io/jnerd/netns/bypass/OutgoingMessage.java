package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Msghdr;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One message of a container's sendto, sendmsg or sendmmsg, read once from its memory:
 * the destination, the data and the control messages. The agent sends exactly these bytes
 * to exactly this address, whatever the container writes to its memory afterwards.
 *
 * <p>Reading is bounded: at most {@link #MAX_DATA} bytes of data (a UDP datagram cannot be
 * larger, udp_sendmsg says EMSGSIZE above it; a stream socket may take a prefix, a short
 * send being a normal answer), {@link Msghdr#UIO_MAXIOV} iovecs and {@link #MAX_CONTROL} bytes
 * of control messages, the limits and errnos of the kernel's own copy (UIO_MAXIOV and
 * EMSGSIZE; optmem_max and ENOBUFS, whose default is larger than anything passed on here).
 */
final class OutgoingMessage {

    static final int MAX_DATA = 0xffff;
    static final int MAX_CONTROL = 4096;

    private final Destination destination;
    private final byte[] data;
    private final long totalLength;
    private final byte[] control;
    /** Bytes of headers and iovecs read besides the data and control messages. */
    private final int headerBytes;

    private OutgoingMessage(Destination destination, byte[] data, long totalLength, byte[] control, int headerBytes) {
        this.destination = destination;
        this.data = data;
        this.totalLength = totalLength;
        this.control = control;
        this.headerBytes = headerBytes;
    }

    /** sendto(fd, buf, len, flags, addr, addrlen). */
    static OutgoingMessage ofSendto(NotificationContext ctx) throws IOException {
        long length = ctx.arg(2);
        byte[] data = read(ctx, ctx.arg(1), (int) Math.min(unsignedSize(length), MAX_DATA));
        return new OutgoingMessage(destination(ctx, ctx.arg(4), (int) ctx.arg(5)), data, unsignedSize(length),
                new byte[0], 0);
    }

    /** The struct msghdr at {@code address} (sendmsg's argument, or one entry of sendmmsg's vector). */
    static OutgoingMessage ofMsghdr(NotificationContext ctx, long address) throws IOException {
        Msghdr h = Msghdr.decode(read(ctx, address, Msghdr.SIZE));
        long name = h.name();
        int nameLength = h.nameLength();
        long iov = h.iov();
        long iovCount = h.iovCount();
        long controlAt = h.control();
        long controlLength = h.controlLength();
        if (Long.compareUnsigned(iovCount, Msghdr.UIO_MAXIOV) > 0) {
            throw new SyscallException("sendmsg", Errno.EMSGSIZE, iovCount + " iovecs");
        }
        if (Long.compareUnsigned(controlLength, MAX_CONTROL) > 0) {
            throw new SyscallException("sendmsg", Errno.ENOBUFS, controlLength + " bytes of control messages");
        }
        Destination to = name == 0 ? null : destination(ctx, name, nameLength);
        ByteBuffer vectors = ByteBuffer.wrap(read(ctx, iov, (int) iovCount * Msghdr.IOVEC_SIZE)).order(ByteOrder.nativeOrder());
        long total = 0;
        for (int i = 0; i < iovCount; i++) {
            long length = Msghdr.iovLength(vectors, i);
            if (length < 0) {
                throw new SyscallException("sendmsg", Errno.EINVAL, "iovec " + i + " of length " + Long.toUnsignedString(length));
            }
            // Saturating: only "more than a datagram" matters beyond MAX_DATA.
            total = total + length < 0 ? Long.MAX_VALUE : total + length;
        }
        // As much as is sent, no more: a vector of empty messages costs no 64 KiB each.
        ByteBuffer data = ByteBuffer.allocate((int) Math.min(total, MAX_DATA));
        for (int i = 0; i < iovCount && data.hasRemaining(); i++) {
            int take = (int) Math.min(Msghdr.iovLength(vectors, i), data.remaining());
            data.put(read(ctx, Msghdr.iovBase(vectors, i), take));
        }
        byte[] control = read(ctx, controlAt, (int) controlLength);
        return new OutgoingMessage(to, data.array(), total, control, Msghdr.SIZE + (int) iovCount * Msghdr.IOVEC_SIZE);
    }

    private static Destination destination(NotificationContext ctx, long address, int length) throws IOException {
        if (length == 0) {
            // The kernel reads no address then (move_addr_to_kernel is skipped): the peer's.
            return null;
        }
        if (length < 0 || length > SockAddr.MAX_SIZE) {
            throw new SyscallException("sendto", Errno.EINVAL, "addrlen " + length);
        }
        return Destination.decode(read(ctx, address, length));
    }

    private static byte[] read(NotificationContext ctx, long address, int length) throws IOException {
        byte[] b = new byte[length];
        if (length > 0) {
            ctx.readMemoryFully(address, b, 0, length);
        }
        return b;
    }

    /** size_t as the kernel caps it: a length beyond INT_MAX is taken as INT_MAX (import_single_range). */
    private static long unsignedSize(long length) {
        return Long.compareUnsigned(length, Integer.MAX_VALUE) > 0 ? Integer.MAX_VALUE : length;
    }

    /** Where to, or null for the connected peer. */
    Destination destination() {
        return destination;
    }

    /** The data as read: all of it, or its first {@link #MAX_DATA} bytes. */
    byte[] data() {
        return data;
    }

    /** The length the container asked to send. */
    long totalLength() {
        return totalLength;
    }

    byte[] control() {
        return control;
    }

    /** What reading it made the agent hold: data, control messages, header and iovecs. */
    int bytesRead() {
        return headerBytes + data.length + control.length;
    }

}
