package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Capabilities;
import io.jnerd.nativebindings.FileMode;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.Openat2;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The address for a connect, bind or send the agent performs on the pinned copy of a
 * socket it does not switch (AF_UNIX, netlink, packet, ...), made from the bytes the
 * target gave, read once. Most pass as given ({@link SockAddr#opaque}): the pinned socket's
 * network namespace is the container's, and an abstract AF_UNIX name or a netlink port
 * resolves there whoever calls.
 *
 * <p>Two things are not the socket's but the caller's, and the agent is the caller:
 * <ul>
 * <li>An AF_UNIX path resolves in the caller's mount namespace and root. So it is opened
 *     in the target's tree first (openat2 with RESOLVE_IN_ROOT under /proc/TID/root;
 *     a relative path from the target's working directory, see {@link #open}), and the
 *     agent names the file it found as /proc/self/fd/K; a bind names the parent directory
 *     so, and creates the file in it. The kernel checks the caller's write permission on
 *     the socket file (connect, sendto) or on the directory (bind): the agent checks the
 *     target's {@link TargetCredentials} first. A rootful agent walks the path and makes
 *     the call with the target's ids ({@link AsTarget}), so the kernel checks search
 *     permission on the directories and write permission with them too, and the peer's
 *     SO_PEERCRED and SCM_CREDENTIALS show them (the pid stays the agent's). Rootless, the
 *     walk and the call keep the agent's ids.</li>
 * <li>Multicast groups of a netlink bind, connect or send need CAP_NET_ADMIN of the caller
 *     (netlink_allowed) for most netlink families: given only when the target has it in
 *     its effective set (EPERM otherwise), so the agent's is never lent.</li>
 * </ul>
 */
final class PinnedAddress implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PinnedAddress.class.getName());

    private final SockAddr address;
    /** The O_PATH fd the address names through /proc/self/fd, or null. */
    private final Fd held;
    /** For a bind of a path: the name created in {@link #held}. */
    private final byte[] created;
    /** The target's, for a call on an AF_UNIX socket ({@link AsTarget}); null for other families. */
    private final TargetCredentials target;

    private PinnedAddress(SockAddr address, Fd held, byte[] created, TargetCredentials target) {
        this.address = address;
        this.held = held;
        this.created = created;
        this.target = target;
    }

    /** For a connect or a send to {@code raw} on {@code sock}; {@code files}: the container's socket files. */
    static PinnedAddress forPeer(NotificationContext ctx, ContainerSocket sock, byte[] raw, SocketFiles files)
            throws IOException {
        byte[] path = unixPath(sock, raw);
        TargetCredentials target = unixTarget(ctx, sock);
        if (path == null) {
            requireNoPrivilegeLent(ctx, sock, raw);
            return new PinnedAddress(SockAddr.opaque(raw), null, null, target);
        }
        Fd file = open(ctx, target, path, false);
        try {
            Map<String, Object> a = attributes(file);
            if (FileMode.isSocket((int) a.get("mode"))) {
                SocketFiles.Owner owner = files.owner(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
                if (owner != null) {
                    a = new java.util.HashMap<>(a);
                    a.put("uid", owner.uid());
                    a.put("gid", owner.gid());
                }
                requireAccess(ctx, target, a, FileMode.W_OK, path);
            }
            // Not a socket: the kernel's ECONNREFUSED comes from the agent's own call.
            return new PinnedAddress(SockAddr.unix("/proc/self/fd/" + file.get()), file, null, target);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** For a bind of {@code sock} to {@code raw}. */
    static PinnedAddress forBind(NotificationContext ctx, ContainerSocket sock, byte[] raw) throws IOException {
        byte[] path = unixPath(sock, raw);
        if (path == null) {
            // An abstract name or autobind: no permission to check, no ids recorded.
            requireNoPrivilegeLent(ctx, sock, raw);
            return new PinnedAddress(SockAddr.opaque(raw), null, null, null);
        }
        TargetCredentials target = TargetCredentials.of(ctx);
        int slash = lastIndexOf(path, (byte) '/');
        byte[] name = Arrays.copyOfRange(path, slash + 1, path.length);
        byte[] parent = slash < 0 ? new byte[] {'.'} : slash == 0 ? new byte[] {'/'} : Arrays.copyOf(path, slash);
        if (name.length == 0 || Arrays.equals(name, new byte[] {'.'}) || Arrays.equals(name, new byte[] {'.', '.'})) {
            // "dir/", "." and "..": names that exist (or cannot be made): what bind says to those.
            throw new SyscallException("bind", Errno.EADDRINUSE, "'" + text(path) + "' names no new file");
        }
        Fd dir = open(ctx, target, parent, true);
        try {
            Map<String, Object> a = attributes(dir);
            if (!FileMode.isDirectory((int) a.get("mode"))) {
                throw new SyscallException("bind", Errno.ENOTDIR, "'" + text(parent) + "' in the container");
            }
            requireAccess(ctx, target, a, FileMode.W_OK | FileMode.X_OK, parent);
            byte[] via = concat(("/proc/self/fd/" + dir.get() + "/").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    name);
            if (via.length >= SockAddr.SIZEOF_SOCKADDR_UN - SockAddr.SUN_PATH_OFFSET) {
                throw new SyscallException("bind", Errno.ENAMETOOLONG, "'" + text(name)
                        + "' is too long to name through /proc/self/fd");
            }
            return new PinnedAddress(SockAddr.unix(via), dir, name, target);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    SockAddr address() {
        return address;
    }

    /** The target's credentials for a call on an AF_UNIX socket, else null. */
    TargetCredentials target() {
        return target;
    }

    /** connect of {@code socket} (the pinned copy) to this address: 0 or the errno; as the target on AF_UNIX. */
    int tryConnect(Fd socket) throws IOException {
        return target == null ? Sockets.tryConnect(socket, address)
                : AsTarget.call(target, () -> Sockets.tryConnect(socket, address));
    }

    /** bind of {@code socket} (the pinned copy) to this address; as the target for a path. */
    void bind(Fd socket) throws IOException {
        if (target == null) {
            Sockets.bind(socket, address);
            return;
        }
        AsTarget.call(target, () -> {
            Sockets.bind(socket, address);
            return null;
        });
    }

    /**
     * After a successful bind of a path: the socket file the agent's bind created gets the
     * mode the target's umask gives it and, when the agent may (root), the target's fsuid
     * and fsgid, as the target's own bind would have made it. The name is opened again
     * without following symlinks and must be a socket: a name swapped meanwhile is left
     * as it is.
     */
    void bound(NotificationContext ctx, SocketFiles files) {
        if (created == null) {
            return;
        }
        try {
            own(target, files);
        } catch (IOException | RuntimeException e) {
            // Bound all the same: the file keeps the agent's ids and umask.
            LOG.warning(() -> "bypass: pid " + ctx.pid() + ": bound '" + text(created) + "', but could not give it the"
                    + " target's mode and owner: " + e.getMessage());
        }
    }

    private void own(TargetCredentials c, SocketFiles files) throws IOException {
        try (Fd file = Openat2.open(held, created, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC,
                Openat2.RESOLVE_BENEATH | Openat2.RESOLVE_NO_SYMLINKS)) {
            Path p = Path.of("/proc/self/fd/" + file.get());
            Map<String, Object> a = attributes(file);
            if (!FileMode.isSocket((int) a.get("mode"))) {
                return;
            }
            Files.setPosixFilePermissions(p, permissions(0777 & ~c.umask()));
            if (Processes.getuid() == 0) {
                Files.setAttribute(p, "unix:uid", (int) c.fsuid());
                Files.setAttribute(p, "unix:gid", (int) c.fsgid());
            } else if (c.fsuid() != ((Number) a.get("uid")).longValue() || c.fsgid() != ((Number) a.get("gid")).longValue()) {
                files.record(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(), c.fsuid(), c.fsgid());
            }
        }
    }

    @Override
    public void close() {
        if (held != null) {
            held.close();
        }
    }

    /** The target's credentials when {@code sock} is AF_UNIX (every call on it runs as the target), else null. */
    private static TargetCredentials unixTarget(NotificationContext ctx, ContainerSocket sock) throws IOException {
        return sock.kind().family() == SockAddr.AF_UNIX ? TargetCredentials.of(ctx) : null;
    }

    /** The path of an AF_UNIX filesystem address on an AF_UNIX socket (up to its first NUL), else null. */
    private static byte[] unixPath(ContainerSocket sock, byte[] raw) throws SyscallException {
        if (sock.kind().family() != SockAddr.AF_UNIX || raw.length <= SockAddr.SUN_PATH_OFFSET
                || SockAddr.familyOf(raw, raw.length) != SockAddr.AF_UNIX || raw[SockAddr.SUN_PATH_OFFSET] == 0) {
            // Unnamed (autobind), abstract, or not AF_UNIX: no path to resolve.
            return null;
        }
        if (raw.length > SockAddr.SIZEOF_SOCKADDR_UN) {
            throw new SyscallException("connect", Errno.EINVAL, "AF_UNIX address of " + raw.length + " bytes");
        }
        int end = SockAddr.SUN_PATH_OFFSET;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(raw, SockAddr.SUN_PATH_OFFSET, end);
    }

    /**
     * The target's {@code path} as an O_PATH fd: an absolute one under /proc/TID/root with
     * RESOLVE_IN_ROOT ("..", and absolute symlinks, stay in its root); a relative one the
     * same way from the working directory's place under that root, or, when the working
     * directory is not below the root as the agent sees both (deleted, another mount
     * namespace's), beneath the working directory, refusing with EACCES what leaves it.
     * Magic links (/proc/N/root and the like) are never followed: they would lead out.
     */
    static Fd open(NotificationContext ctx, TargetCredentials target, byte[] path, boolean directory)
            throws IOException {
        Path proc = Path.of("/proc", Integer.toString(ctx.pid()));
        int flags = OpenFlags.O_PATH | OpenFlags.O_CLOEXEC;
        byte[] inRoot = path;
        Fd base;
        long resolve = Openat2.RESOLVE_IN_ROOT | Openat2.RESOLVE_NO_MAGICLINKS;
        if (path[0] != '/') {
            byte[] cwd = belowRoot(proc);
            if (cwd != null) {
                inRoot = concat(concat(cwd, new byte[] {'/'}), path);
                base = Openat2.openPath(proc.resolve("root").toString());
            } else {
                base = Openat2.openPath(proc.resolve("cwd").toString());
                resolve = Openat2.RESOLVE_BENEATH | Openat2.RESOLVE_NO_MAGICLINKS;
            }
        } else {
            base = Openat2.openPath(proc.resolve("root").toString());
        }
        try (base) {
            // The tid named the target when its fd was copied; its root must be the target's too.
            if (!ctx.isValid()) {
                throw new SyscallException("openat2", Errno.ENOENT, "pid " + ctx.pid() + " went away");
            }
            // The walk itself as the target ({@link AsTarget}): search permission on each directory is its.
            Fd from = base;
            byte[] name = inRoot;
            long how = resolve;
            return AsTarget.call(target, () -> Openat2.open(from, name, flags, how));
        } catch (SyscallException e) {
            if (e.is(Errno.EXDEV)) {
                throw new SyscallException("openat2", Errno.EACCES, "'" + text(path) + "' leads out of the working"
                        + " directory of pid " + ctx.pid() + ", which is not below its root as the agent sees them");
            }
            throw e;
        }
    }

    /** The working directory as a path in the target's root, or null when it is not below it. */
    private static byte[] belowRoot(Path proc) {
        try {
            String root = Files.readSymbolicLink(proc.resolve("root")).toString();
            String cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString();
            if (cwd.equals(root)) {
                return new byte[] {'/'};
            }
            String prefix = root.equals("/") ? "/" : root + "/";
            if (!cwd.startsWith(prefix) || cwd.endsWith(" (deleted)")) {
                return null;
            }
            return cwd.substring(prefix.length() - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void requireAccess(NotificationContext ctx, TargetCredentials c, Map<String, Object> a, int mask,
            byte[] path) throws IOException {
        if (!c.mayAccess((int) a.get("mode"), ((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue(),
                mask)) {
            throw new SyscallException("connect", Errno.EACCES, "'" + text(path) + "': pid " + ctx.pid()
                    + " (fsuid " + c.fsuid() + ") may not " + (mask == FileMode.W_OK ? "write to it" : "create in it"));
        }
    }

    /**
     * Netlink multicast groups in the address: only for a target with CAP_NET_ADMIN. The
     * families whose bind, connect and send check no capability of the caller (AF_UNIX,
     * AF_INET/AF_INET6 raw and ICMP, AF_PACKET, whose socket(2) needed CAP_NET_RAW
     * already) pass; any other (AF_VSOCK's ports below 1024 need CAP_NET_BIND_SERVICE of
     * the caller, and so on) only for a target that holds the network capabilities a
     * caller could need: CAP_NET_ADMIN, CAP_NET_BIND_SERVICE and CAP_NET_RAW.
     */
    private static void requireNoPrivilegeLent(NotificationContext ctx, ContainerSocket sock, byte[] raw)
            throws IOException {
        int family = sock.kind().family();
        if (family != SockAddr.AF_UNIX && family != SockAddr.AF_NETLINK && !sock.kind().isInet()
                && family != SockAddr.AF_PACKET) {
            TargetCredentials c = TargetCredentials.of(ctx);
            if (!c.hasCapability(Capabilities.CAP_NET_ADMIN) || !c.hasCapability(Capabilities.CAP_NET_RAW)
                    || !c.hasCapability(Capabilities.CAP_NET_BIND_SERVICE)) {
                throw new SyscallException("socket call", Errno.EPERM, SocketKind.familyName(family) + " for pid "
                        + ctx.pid() + ", which lacks CAP_NET_ADMIN, CAP_NET_RAW or CAP_NET_BIND_SERVICE");
            }
            return;
        }
        if (family != SockAddr.AF_NETLINK || raw.length < SockAddr.NL_GROUPS_OFFSET + Integer.BYTES
                || SockAddr.familyOf(raw, raw.length) != SockAddr.AF_NETLINK) {
            return;
        }
        int groups = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getInt(SockAddr.NL_GROUPS_OFFSET);
        if (groups != 0 && !TargetCredentials.of(ctx).hasCapability(Capabilities.CAP_NET_ADMIN)) {
            throw new SyscallException("netlink", Errno.EPERM, "multicast groups 0x" + Integer.toHexString(groups)
                    + " for pid " + ctx.pid() + ", which lacks CAP_NET_ADMIN");
        }
    }

    /** mode, uid, gid, dev and ino of what an O_PATH fd names (stat follows the /proc/self/fd magic link to it). */
    private static Map<String, Object> attributes(Fd fd) throws IOException {
        return Files.readAttributes(Path.of("/proc/self/fd/" + fd.get()), "unix:mode,uid,gid,dev,ino");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    private static int lastIndexOf(byte[] b, byte value) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
