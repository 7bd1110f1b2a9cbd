package io.jnerd.nativebindings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the running kernel and this user can do, probed once, each answer with its reason,
 * for {@code jnerd info} and for features that refuse to start without a requirement.
 * Probes never change anything and never need privileges.
 */
public final class KernelFeatures {

    /** One probed capability. */
    public record Feature(String name, boolean available, String reason) {

        /** Throws with the reason when the feature is missing. */
        public void require() {
            if (!available) {
                throw new UnsupportedOperationException(name + ": " + reason);
            }
        }
    }

    public static final String SECCOMP_USER_NOTIF = "seccomp user notification";
    public static final String SECCOMP_ADDFD = "seccomp ADDFD";
    public static final String PIDFD_GETFD = "pidfd_getfd";
    public static final String MOUNT_SETATTR = "mount_setattr";
    public static final String UNPRIVILEGED_USERNS = "unprivileged user namespaces";
    public static final String DEV_NET_TUN = "/dev/net/tun";
    public static final String NETNS_COOKIE = "SO_NETNS_COOKIE";
    /** Not a probe of its own: what the socket switch needs of the probes above. */
    public static final String BYPASS4NETNS = "bypass4netns";

    private static final Path TUN = Path.of("/dev/net/tun");

    private static final class Probed {
        static final List<Feature> ALL = List.of(probeUserNotif(), probeAddFd(System.getProperty("os.version", "")),
                probeSyscall(PIDFD_GETFD, SysNr.PIDFD_GETFD, "5.6"), probeSyscall(MOUNT_SETATTR, SysNr.MOUNT_SETATTR, "5.12"),
                probeUserNamespaces(Path.of("/proc/sys")), probeTun(), probeNetnsCookie());
        static final Feature BYPASS = bypass4netns(List.of(get(SECCOMP_USER_NOTIF), get(SECCOMP_ADDFD),
                get(PIDFD_GETFD), get(NETNS_COOKIE)));
    }

    private KernelFeatures() {}

    /** Every feature, in a fixed order, for {@code jnerd info}. */
    public static List<Feature> report() {
        return Probed.ALL;
    }

    /** One feature by its name (one of the constants of this class). */
    public static Feature get(String name) {
        for (Feature f : Probed.ALL) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no probed feature named '" + name + "'");
    }

    public static Feature seccompUserNotification() {
        return get(SECCOMP_USER_NOTIF);
    }

    public static Feature addFd() {
        return get(SECCOMP_ADDFD);
    }

    public static Feature pidfdGetfd() {
        return get(PIDFD_GETFD);
    }

    public static Feature mountSetattr() {
        return get(MOUNT_SETATTR);
    }

    public static Feature unprivilegedUserNamespaces() {
        return get(UNPRIVILEGED_USERNS);
    }

    public static Feature devNetTun() {
        return get(DEV_NET_TUN);
    }

    public static Feature netnsCookie() {
        return get(NETNS_COOKIE);
    }

    /**
     * Whether this kernel can run the socket switch at all (seccomp user notification, ADDFD,
     * pidfd_getfd, SO_NETNS_COOKIE), decided once; the reason names each missing feature.
     * What {@code jnerd info} shows and {@code jnerd run --net=bypass4netns} refuses with.
     */
    public static Feature bypass4netns() {
        return Probed.BYPASS;
    }

    static Feature bypass4netns(List<Feature> needed) {
        List<String> missing = new ArrayList<>();
        for (Feature f : needed) {
            if (!f.available()) {
                missing.add(f.name() + ": " + f.reason());
            }
        }
        return missing.isEmpty()
                ? new Feature(BYPASS4NETNS, true, "the kernel has seccomp ADDFD, pidfd_getfd and SO_NETNS_COOKIE")
                : new Feature(BYPASS4NETNS, false, String.join("; ", missing));
    }

    private static Feature probeUserNotif() {
        String required = "requires Linux >= 5.0 (SECCOMP_RET_USER_NOTIF)";
        try {
            return Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF)
                    ? new Feature(SECCOMP_USER_NOTIF, true, "SECCOMP_GET_ACTION_AVAIL knows SECCOMP_RET_USER_NOTIF")
                    : new Feature(SECCOMP_USER_NOTIF, false, required + ": the kernel does not know the action");
        } catch (SyscallException e) {
            // EINVAL: no GET_ACTION_AVAIL (before 4.14); ENOSYS: no seccomp at all.
            return new Feature(SECCOMP_USER_NOTIF, false, required + ": " + e.getMessage());
        }
    }

    /**
     * ADDFD cannot be probed without a listener, and a listener needs a filter on one of our
     * own threads, which the JVM must not get: so decide by kernel version.
     */
    static Feature probeAddFd(String osVersion) {
        int[] v = kernelVersion(osVersion);
        String required = "requires Linux >= 5.9 (SECCOMP_IOCTL_NOTIF_ADDFD)";
        if (v == null) {
            return new Feature(SECCOMP_ADDFD, false, required + "; cannot read the version from '" + osVersion + "'");
        }
        String running = "Linux " + v[0] + "." + v[1];
        return atLeast(v, 5, 9)
                ? new Feature(SECCOMP_ADDFD, true, running + " >= 5.9")
                : new Feature(SECCOMP_ADDFD, false, required + "; this is " + running);
    }

    /**
     * A syscall that checks its arguments answers EBADF or EINVAL for fd -1 and empty
     * arguments; ENOSYS means the kernel has no such syscall, EPERM that a seccomp filter
     * (a container's profile) forbids it.
     */
    private static Feature probeSyscall(String name, int nr, String since) {
        long r = Sys.call(nr, -1, 0, 0, 0, 0);
        String required = "requires Linux >= " + since + " (" + name + ")";
        if (r == -Errno.ENOSYS) {
            return new Feature(name, false, required + ": ENOSYS");
        }
        if (r == -Errno.EPERM) {
            return new Feature(name, false, name + " is forbidden here (EPERM, a seccomp profile?)");
        }
        return new Feature(name, true, name + " exists (probe with fd -1 answered "
                + (r < 0 ? Errno.name((int) -r) : "success") + ")");
    }

    /**
     * The switch tells a socket it already moved to the host from a container's by the
     * cookie of its network namespace (SO_NETNS_COOKIE, Linux 5.14, no privilege needed);
     * without it every switched connect would have to fail.
     */
    private static Feature probeNetnsCookie() {
        try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.netnsCookie(s);
            return netnsCookie(null);
        } catch (SyscallException e) {
            return netnsCookie(e);
        }
    }

    /** The feature from the probe's failure (null: it worked). */
    static Feature netnsCookie(SyscallException failure) {
        return failure == null
                ? new Feature(NETNS_COOKIE, true, "getsockopt(SO_NETNS_COOKIE) answers")
                : new Feature(NETNS_COOKIE, false, "requires Linux >= 5.14 (SO_NETNS_COOKIE): " + failure.getMessage());
    }

    /** Reads the sysctls that switch unprivileged user namespaces off, below {@code procSys}. */
    static Feature probeUserNamespaces(Path procSys) {
        String debian = sysctl(procSys.resolve("kernel/unprivileged_userns_clone"));
        if ("0".equals(debian)) {
            return new Feature(UNPRIVILEGED_USERNS, false, "kernel.unprivileged_userns_clone=0 (set it to 1)");
        }
        String max = sysctl(procSys.resolve("user/max_user_namespaces"));
        if ("0".equals(max)) {
            return new Feature(UNPRIVILEGED_USERNS, false, "user.max_user_namespaces=0");
        }
        String apparmor = sysctl(procSys.resolve("kernel/apparmor_restrict_unprivileged_userns"));
        if ("1".equals(apparmor)) {
            return new Feature(UNPRIVILEGED_USERNS, false, "kernel.apparmor_restrict_unprivileged_userns=1 "
                    + "(AppArmor gives unconfined programs no capabilities in a new user namespace)");
        }
        if (max == null) {
            return new Feature(UNPRIVILEGED_USERNS, false, "no user namespaces: /proc/sys/user/max_user_namespaces is missing");
        }
        return new Feature(UNPRIVILEGED_USERNS, true, "user.max_user_namespaces=" + max
                + (debian == null ? "" : ", kernel.unprivileged_userns_clone=" + debian));
    }

    private static Feature probeTun() {
        try {
            FileChannel.open(TUN, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
            return new Feature(DEV_NET_TUN, true, TUN + " opens read-write for uid " + Processes.getuid());
        } catch (NoSuchFileException e) {
            return new Feature(DEV_NET_TUN, false, TUN + " is missing (modprobe tun, or mknod /dev/net/tun c 10 200)");
        } catch (AccessDeniedException e) {
            return new Feature(DEV_NET_TUN, false, TUN + " is not usable by uid " + Processes.getuid()
                    + " (mode " + permissions() + "): root can run chmod 0666 /dev/net/tun");
        } catch (IOException e) {
            return new Feature(DEV_NET_TUN, false, TUN + ": " + e.getMessage());
        }
    }

    private static String permissions() {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(TUN));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * A sysctl's value. Read as a stream to its end: procfs gives sysctl files a size that
     * is not their content's, and Files.readString trusts it (seen here: "9" for 96365 on
     * JDK 17 and 25).
     */
    public static String sysctl(Path p) {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    /** {major, minor} of a kernel release such as "6.1.0-18-amd64", or null. */
    static int[] kernelVersion(String release) {
        Matcher m = VERSION.matcher(release);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    static boolean atLeast(int[] version, int major, int minor) {
        return version[0] > major || (version[0] == major && version[1] >= minor);
    }
}
