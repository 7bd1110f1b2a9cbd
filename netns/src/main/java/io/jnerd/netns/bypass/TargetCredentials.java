package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Capabilities;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the kernel would check a notified thread's own call against, read from
 * /proc/TID/status: its filesystem uid and gid, supplementary groups, effective
 * capabilities and umask (the Umask line is Linux 4.7). The agent performs calls on the
 * thread's behalf with its own, often larger, credentials, so where the kernel checks the
 * caller, the agent checks these first and does not lend its own.
 *
 * <p>Ids are as the agent sees them (the status file translates them into the reader's
 * user namespace), and so are the owners of the files they are compared with.
 */
final class TargetCredentials {

    /** Real, effective, saved set, filesystem (the order of the Uid and Gid lines). */
    private final long[] uids;
    private final long[] gids;
    private final long fsuid;
    private final long fsgid;
    private final long[] groups;
    private final long effectiveCaps;
    private final int umask;

    private TargetCredentials(long[] uids, long[] gids, long[] groups, long effectiveCaps, int umask) {
        this.uids = uids;
        this.gids = gids;
        this.fsuid = uids[3];
        this.fsgid = gids[3];
        this.groups = groups;
        this.effectiveCaps = effectiveCaps;
        this.umask = umask;
    }

    /** Reads them now (the caller checks NOTIF_ID_VALID after, as for anything read of the target). */
    static TargetCredentials of(int tid) throws IOException {
        Path status = Path.of("/proc", Integer.toString(tid), "status");
        return parse(Files.readAllLines(status, StandardCharsets.US_ASCII), status.toString());
    }

    /**
     * The notified thread's, checked to be its after they were read: a tid whose thread was
     * killed meanwhile may name another (a root one) by then, whose ids the agent would act
     * with ({@link AsTarget}). The thread itself cannot change them while it waits in the
     * notified call.
     */
    static TargetCredentials of(NotificationContext ctx) throws IOException {
        TargetCredentials c = of(ctx.pid());
        if (!ctx.isValid()) {
            throw new SyscallException("seccomp notification", Errno.ENOENT, "pid " + ctx.pid() + " went away");
        }
        return c;
    }

    static TargetCredentials parse(Iterable<String> lines, String source) throws IOException {
        long[] uids = null;
        long[] gids = null;
        long[] groups = new long[0];
        Long caps = null;
        int umask = 022;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).trim();
            switch (line.substring(0, colon)) {
                case "Uid":
                    uids = numbers(value);
                    break;
                case "Gid":
                    gids = numbers(value);
                    break;
                case "Groups":
                    groups = numbers(value);
                    break;
                case "CapEff":
                    caps = Long.parseUnsignedLong(value, 16);
                    break;
                case "Umask":
                    umask = Integer.parseInt(value, 8);
                    break;
                default:
                    break;
            }
        }
        // Uid and Gid: real, effective, saved set, filesystem.
        if (uids == null || uids.length != 4 || gids == null || gids.length != 4 || caps == null) {
            throw new IOException(source + " lacks a Uid, Gid or CapEff line of the expected form");
        }
        return new TargetCredentials(uids, gids, groups, caps, umask);
    }

    private static long[] numbers(String value) {
        return value.isEmpty() ? new long[0] : Arrays.stream(value.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }

    boolean hasCapability(int cap) {
        return (effectiveCaps & (1L << cap)) != 0;
    }

    /** The thread's umask, which the kernel applies to a socket file that bind creates. */
    int umask() {
        return umask;
    }

    long realUid() {
        return uids[0];
    }

    long effectiveUid() {
        return uids[1];
    }

    long realGid() {
        return gids[0];
    }

    long effectiveGid() {
        return gids[1];
    }

    /** The supplementary groups (a copy). */
    long[] groups() {
        return groups.clone();
    }

    long fsuid() {
        return fsuid;
    }

    long fsgid() {
        return fsgid;
    }

    /**
     * Whether these credentials pass the mode-bit check (generic_permission) for
     * {@code mask} (4 read, 2 write, 1 search) on a file of {@code mode}, {@code uid},
     * {@code gid}. POSIX ACLs are not read: their mask shows in the group bits, which are
     * used; a named-user entry granting more is not honoured (refused, never lent).
     */
    boolean mayAccess(int mode, long uid, long gid, int mask) {
        int bits;
        if (uid == fsuid) {
            bits = mode >> 6;
        } else if (inGroup(gid)) {
            bits = mode >> 3;
        } else {
            bits = mode;
        }
        if ((bits & mask & 7) == mask) {
            return true;
        }
        // CAP_DAC_OVERRIDE: read and write always; search (directories) always too.
        return hasCapability(Capabilities.CAP_DAC_OVERRIDE);
    }

    private boolean inGroup(long gid) {
        if (gid == fsgid) {
            return true;
        }
        for (long g : groups) {
            if (g == gid) {
                return true;
            }
        }
        return false;
    }
}
