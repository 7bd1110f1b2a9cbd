package io.jnerd.nativebindings;

import java.lang.ref.Reference;

/**
 * The mount syscalls: the new mount API ({@code open_tree}, {@code move_mount}: Linux 5.2;
 * {@code mount_setattr}: Linux 5.12) and classic {@code mount(2)} / {@code umount2(2)}.
 *
 * <p>Every call here changes (or reads) the calling process's mount namespace. jnerd makes
 * them only from helper processes that have a mount namespace of their own, never from
 * the long-lived JVM in the host namespace. All five are retried on EINTR: the kernel
 * returns it before the operation took effect (a filesystem interrupted while mounting).
 * Path and struct buffers are kept reachable until the call returned (reachabilityFence):
 * the kernel reads them through a raw address the garbage collector does not see.
 *
 * <p>Flag values: include/uapi/linux/mount.h and fcntl.h (the same on x86_64 and aarch64).
 */
public final class MountApi {

    /** {@code dirfd} meaning "relative to the current directory". */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_NO_AUTOMOUNT = 0x800;
    public static final int AT_EMPTY_PATH = 0x1000;
    /** open_tree: clone the whole subtree; mount_setattr: apply to every mount below too. */
    public static final int AT_RECURSIVE = 0x8000;

    /** open_tree: return a detached copy of the mount (tree) instead of an O_PATH fd. */
    public static final int OPEN_TREE_CLONE = 1;
    /** Equal to O_CLOEXEC. */
    public static final int OPEN_TREE_CLOEXEC = 0x80000;

    public static final int MOVE_MOUNT_F_SYMLINKS = 0x1;
    public static final int MOVE_MOUNT_F_AUTOMOUNTS = 0x2;
    public static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    public static final int MOVE_MOUNT_T_SYMLINKS = 0x10;
    public static final int MOVE_MOUNT_T_AUTOMOUNTS = 0x20;
    public static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;

    public static final long MOUNT_ATTR_RDONLY = 0x1;
    public static final long MOUNT_ATTR_NOSUID = 0x2;
    public static final long MOUNT_ATTR_NODEV = 0x4;
    public static final long MOUNT_ATTR_NOEXEC = 0x8;
    /** The access-time field: set it whole in attr_clr before setting one of its values. */
    public static final long MOUNT_ATTR__ATIME = 0x70;
    public static final long MOUNT_ATTR_RELATIME = 0x0;
    public static final long MOUNT_ATTR_NOATIME = 0x10;
    public static final long MOUNT_ATTR_STRICTATIME = 0x20;
    public static final long MOUNT_ATTR_NODIRATIME = 0x80;
    public static final long MOUNT_ATTR_IDMAP = 0x100000;
    /** Linux 5.14. */
    public static final long MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    /** sizeof(struct mount_attr) in its first version: four __u64. */
    public static final int MOUNT_ATTR_SIZE_VER0 = 32;

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_STRICTATIME = 1L << 24;

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    public static final int MNT_EXPIRE = 4;
    public static final int UMOUNT_NOFOLLOW = 8;

    /**
     * struct mount_attr: attributes to set and clear, a propagation type (MS_PRIVATE,
     * MS_SLAVE, MS_SHARED, MS_UNBINDABLE or 0 for "unchanged") and, with
     * MOUNT_ATTR_IDMAP, a user namespace fd (else 0).
     */
    public static final class Attr {
        private final long set;
        private final long clear;
        private final long propagation;
        private final long usernsFd;

        public Attr(long set, long clear, long propagation, long usernsFd) {
            this.set = set;
            this.clear = clear;
            this.propagation = propagation;
            this.usernsFd = usernsFd;
        }

        public long set() {
            return set;
        }

        public long clear() {
            return clear;
        }

        public long propagation() {
            return propagation;
        }

        public long usernsFd() {
            return usernsFd;
        }

        NativeBuffer toStruct() {
            NativeBuffer b = new NativeBuffer(MOUNT_ATTR_SIZE_VER0);
            b.buffer().putLong(0, set).putLong(8, clear).putLong(16, propagation).putLong(24, usernsFd);
            return b;
        }

        @Override
        public String toString() {
            return "mount_attr{set=0x" + Long.toHexString(set) + ", clr=0x" + Long.toHexString(clear)
                    + ", propagation=0x" + Long.toHexString(propagation) + "}";
        }
    }

    private MountApi() {}

    /**
     * open_tree(2) relative to the current directory. With {@link #OPEN_TREE_CLONE} (and
     * {@link #AT_RECURSIVE}) the result is a detached copy of the mount (tree) at
     * {@code path}, which needs CAP_SYS_ADMIN; without it, an O_PATH fd.
     */
    public static Fd openTree(String path, int flags) throws SyscallException {
        NativeBuffer p = NativeBuffer.cString(path);
        long r;
        do {
            r = Sys.call(SysNr.OPEN_TREE, AT_FDCWD, p.address(), flags);
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(p);
        return Fd.adopt((int) Sys.check(r, "open_tree", path));
    }

    /**
     * mount_setattr(2) on the mount at {@code path}; with {@link #AT_RECURSIVE} on every
     * mount below it too (Linux 5.12).
     */
    public static void setAttr(String path, int flags, Attr attr) throws SyscallException {
        setAttr(AT_FDCWD, NativeBuffer.cString(path), flags, attr, path);
    }

    /** mount_setattr(2) on the mount (tree) an fd refers to, e.g. a detached {@link #openTree} clone. */
    public static void setAttr(Fd tree, int flags, Attr attr) throws SyscallException {
        setAttr(tree.get(), NativeBuffer.cString(""), flags | AT_EMPTY_PATH, attr, tree.toString());
    }

    private static void setAttr(int dirfd, NativeBuffer path, int flags, Attr attr, String target)
            throws SyscallException {
        NativeBuffer struct = attr.toStruct();
        long r;
        do {
            r = Sys.call(SysNr.MOUNT_SETATTR, dirfd, path.address(), flags, struct.address(), struct.size());
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(path);
        Reference.reachabilityFence(struct);
        Sys.check(r, "mount_setattr", target);
    }

    /** move_mount(2) of a detached tree (an {@link #openTree} clone) onto {@code target}. */
    public static void moveMount(Fd tree, String target, int flags) throws SyscallException {
        NativeBuffer empty = NativeBuffer.cString("");
        NativeBuffer to = NativeBuffer.cString(target);
        long r;
        do {
            r = Sys.call(SysNr.MOVE_MOUNT, tree.get(), empty.address(), AT_FDCWD, to.address(),
                    flags | MOVE_MOUNT_F_EMPTY_PATH);
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(empty);
        Reference.reachabilityFence(to);
        Sys.check(r, "move_mount", target);
    }

    /** mount(2). {@code source}, {@code fstype} and {@code data} may be null. */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws SyscallException {
        NativeBuffer src = source == null ? null : NativeBuffer.cString(source);
        NativeBuffer dst = NativeBuffer.cString(target);
        NativeBuffer type = fstype == null ? null : NativeBuffer.cString(fstype);
        NativeBuffer opts = data == null ? null : NativeBuffer.cString(data);
        long r;
        do {
            r = Sys.call(SysNr.MOUNT, addressOrNull(src), dst.address(), addressOrNull(type), flags,
                    addressOrNull(opts));
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(dst);
        Reference.reachabilityFence(type);
        Reference.reachabilityFence(opts);
        Sys.check(r, "mount", target);
    }

    /** umount2(2). */
    public static void umount2(String target, int flags) throws SyscallException {
        NativeBuffer t = NativeBuffer.cString(target);
        long r;
        do {
            r = Sys.call(SysNr.UMOUNT2, t.address(), flags);
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(t);
        Sys.check(r, "umount2", target);
    }

    /**
     * Whether the kernel has mount_setattr (Linux 5.12). Probed with a call the kernel
     * rejects before it looks at any mount (size 0 is below MOUNT_ATTR_SIZE_VER0: EINVAL),
     * so it changes nothing and is safe in any process.
     */
    public static boolean hasMountSetattr() {
        return Sys.call(SysNr.MOUNT_SETATTR, -1, 0, 0, 0, 0) != -Errno.ENOSYS;
    }

    private static long addressOrNull(NativeBuffer b) {
        return b == null ? 0 : b.address();
    }
}
