package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Capabilities;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.Openat2;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.nativebindings.ThreadCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Runs an AF_UNIX call the agent performs for a container thread (the path walk, connect,
 * bind, listen, a send) with that thread's user and group ids, so the kernel checks search
 * and write permission against them and records them where the peer reads them: the
 * SO_PEERCRED of a connect or listen (the effective ids) and the SCM_CREDENTIALS a receiver
 * with SO_PASSCRED gets (the real ids, named explicitly: {@link #sendersCredentials}). Done by the agent's own ids, a uid-33
 * process would appear as root to a daemon that authorises by its peer's uid.
 *
 * <p>One dedicated thread does it, never the supervisor's: it sets its own supplementary
 * groups, real and effective gid and effective uid to the target's by the raw syscalls,
 * which change the calling thread only ({@link ThreadCredentials}), keeping real and saved
 * uid 0: the saved one is the way back, and a real uid of the target's would let any host
 * process of that uid signal the agent while switched. It runs the one call, and switches back, all three 0 again, which
 * gives its effective capabilities back from the permitted set. It then checks that it is
 * so; if it is not (a switch back failed), it never runs another call: each is answered
 * EIO from then on. While switched it has no capabilities, so a target with an effective
 * uid of 0 is served as before, by the calling thread with the agent's ids (its own
 * capabilities are checked where they matter, {@link PinnedAddress}); a non-root target
 * holding capabilities (CAP_DAC_OVERRIDE, say) gets the checks of its ids alone.
 *
 * <p>Only where the agent is root with CAP_SETUID and CAP_SETGID. A rootless agent cannot
 * become the container's non-root users (subordinate ids it does not own): its calls keep
 * the agent's ids, as the package documentation says.
 */
final class AsTarget {

    /** A call to run with a target's ids. */
    interface Call<T> {
        T run() throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(AsTarget.class.getName());
    /** The thread's name, 15 characters: what the kernel keeps of it (comm). */
    static final String THREAD_NAME = "jnerd-as-target";

    /** The one thread, or null where the agent cannot switch (rootless). */
    private static final AsTarget THREAD = startIfRoot();

    private final LinkedBlockingQueue<Task<?>> tasks = new LinkedBlockingQueue<>();
    private final long[] ownUids;
    private final long[] ownGids;
    private final long[] ownGroups;
    private final ThreadCredentials.Capabilities ownCapabilities;
    /** Why the thread is not back to its own ids, once it failed to switch back: then no call runs. */
    private volatile String broken;

    private AsTarget(long[] uids, long[] gids, long[] groups, ThreadCredentials.Capabilities capabilities) {
        this.ownUids = uids;
        this.ownGids = gids;
        this.ownGroups = groups;
        this.ownCapabilities = capabilities;
    }

    /** Whether {@link #call} runs with {@code target}'s ids: the agent switches and the target's effective uid is not 0. */
    static boolean switchesFor(TargetCredentials target) {
        return THREAD != null && target.effectiveUid() != 0;
    }

    /**
     * The SCM_CREDENTIALS a send of {@code target}'s names, to be sent with it: the kernel's
     * own would show the switched thread's real uid, the agent's 0. It checks what is named
     * against the switched ids: the target's real uid where that is 0 or its effective one,
     * else the effective one; its real gid; the agent's pid (the kernel's would be too).
     */
    static ScmRights.Credentials sendersCredentials(TargetCredentials target) {
        long uid = target.realUid() == 0 || target.realUid() == target.effectiveUid() ? target.realUid()
                : target.effectiveUid();
        return new ScmRights.Credentials(Processes.getpid(), uid, target.realGid());
    }

    /** {@code call}'s result, run with {@code target}'s ids where {@link #switchesFor}; else run here, with the agent's. */
    static <T> T call(TargetCredentials target, Call<T> call) throws IOException {
        if (!switchesFor(target)) {
            return call.run();
        }
        return THREAD.submit(target, call);
    }

    private static AsTarget startIfRoot() {
        try {
            long[] uids = ThreadCredentials.resuid();
            ThreadCredentials.Capabilities caps = ThreadCredentials.capabilities();
            long needed = 1L << Capabilities.CAP_SETUID | 1L << Capabilities.CAP_SETGID;
            if (uids[0] != 0 || uids[1] != 0 || uids[2] != 0 || (caps.effective() & needed) != needed) {
                return null;
            }
            AsTarget t = new AsTarget(uids, ThreadCredentials.resgid(), ThreadCredentials.groups(), caps);
            Thread thread = new Thread(t::serve, THREAD_NAME);
            thread.setDaemon(true);
            thread.start();
            return t;
        } catch (SyscallException e) {
            LOG.warning(() -> "bypass: AF_UNIX calls keep the agent's ids: " + e.getMessage());
            return null;
        }
    }

    private <T> T submit(TargetCredentials target, Call<T> call) throws IOException {
        Task<T> task = new Task<>(target, call, Thread.currentThread());
        tasks.add(task);
        boolean interrupted = false;
        while (!task.done) {
            LockSupport.park(this);
            // Interrupted, park would return at once: note it, and wait on.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (task.failure instanceof IOException e) {
            throw e;
        }
        if (task.failure instanceof RuntimeException e) {
            throw e;
        }
        if (task.failure != null) {
            throw new IllegalStateException(task.failure);
        }
        return task.result;
    }

    private void serve() {
        warmUp();
        while (true) {
            Task<?> task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue;
            }
            perform(task);
            task.done = true;
            LockSupport.unpark(task.caller);
        }
    }

    private <T> void perform(Task<T> task) {
        if (broken != null) {
            task.failure = new SyscallException("setresuid", Errno.EIO, "the agent's " + THREAD_NAME
                    + " thread did not get its own ids back (" + broken + "): it runs no more calls");
            return;
        }
        // From here to restore(): no logging, no file opened, no class loaded (a class
        // file read with the target's ids could fail, and a failed class initialisation
        // is for good): warmUp() ran every path below once, as the agent.
        try {
            become(task.target);
            task.result = task.call.run();
        } catch (Throwable e) {
            task.failure = e;
        } finally {
            String failed = restore();
            if (failed != null) {
                broken = failed;
                LOG.severe(() -> "bypass: " + THREAD_NAME + " did not get the agent's ids back, it runs no more"
                        + " calls (each is answered EIO): " + failed);
            }
        }
    }

    /** Groups first, then gids, then uids: setgroups and setresgid need the CAP_SETGID that setresuid drops. */
    private void become(TargetCredentials target) throws SyscallException {
        ThreadCredentials.setgroups(target.groups());
        ThreadCredentials.setresgid(target.realGid(), target.effectiveGid(), ThreadCredentials.KEEP);
        // Saved uid stays the agent's 0: the way back. Real uid too: with the target's real
        // uid, a host process of that uid could signal this thread (kill_ok_by_cred), and so
        // end the agent. So the SCM_CREDENTIALS the kernel attaches shows uid 0 still.
        ThreadCredentials.setresuid(ThreadCredentials.KEEP, target.effectiveUid(), ownUids[2]);
    }

    /** Back to the agent's ids; null when the thread is back to them with its capabilities, else what is wrong. */
    private String restore() {
        try {
            // Effective uid 0 first: the permitted capabilities become effective again
            // (CAP_SETGID for the two calls after).
            ThreadCredentials.setresuid(ownUids[0], ownUids[1], ownUids[2]);
            ThreadCredentials.setresgid(ownGids[0], ownGids[1], ownGids[2]);
            ThreadCredentials.setgroups(ownGroups);
            long[] uids = ThreadCredentials.resuid();
            long[] gids = ThreadCredentials.resgid();
            ThreadCredentials.Capabilities caps = ThreadCredentials.capabilities();
            if (!Arrays.equals(uids, ownUids) || !Arrays.equals(gids, ownGids) || !caps.equals(ownCapabilities)) {
                return "uids " + Arrays.toString(uids) + ", gids " + Arrays.toString(gids) + ", " + caps;
            }
            return null;
        } catch (Throwable e) {
            return e.toString();
        }
    }

    /**
     * Runs, as the agent, once each what callers run while switched (the path walk, connect,
     * bind, listen, the three sends, their refusals), so that every class they use is
     * loaded before the first switch: class files and their jars are then never read with
     * a target's ids. The sockets are the agent's own, unnamed or abstract, closed at once.
     */
    private void warmUp() {
        AsTarget.Call<Object> calls = () -> {
            try (Fd root = Openat2.openPath("/");
                    Fd stream = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                    Fd dgram = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
                Openat2.open(root, new byte[] {'.'}, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC,
                        Openat2.RESOLVE_IN_ROOT | Openat2.RESOLVE_NO_MAGICLINKS).close();
                try {
                    Openat2.open(root, ("jnerd-warm-up-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII),
                            OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, Openat2.RESOLVE_IN_ROOT).close();
                } catch (SyscallException e) {
                    // ENOENT, as meant: its refusal path is loaded too.
                }
                SockAddr nobody = SockAddr.abstractUnix("jnerd-warm-up-" + System.nanoTime());
                Sockets.tryConnect(stream, nobody);
                Sockets.trySendTo(dgram, new byte[1], 0, 1, Sockets.MSG_DONTWAIT, nobody);
                Sockets.trySendMsg(dgram, new Sockets.Message(new byte[1], new byte[0], nobody), Sockets.MSG_DONTWAIT);
                Sockets.trySendBatch(dgram, List.of(new Sockets.Message(new byte[1], new byte[0], nobody)),
                        Sockets.MSG_DONTWAIT, new int[1]);
                Sockets.bind(stream, nobody);
                Sockets.listen(stream, 1);
                Sockets.bind(stream, nobody);
            }
            return null;
        };
        try {
            // The agent's own ids, by the same calls as a switch.
            ThreadCredentials.setgroups(ownGroups);
            ThreadCredentials.setresgid(ownGids[0], ownGids[1], ThreadCredentials.KEEP);
            ThreadCredentials.setresuid(ownUids[0], ownUids[1], ownUids[2]);
            calls.run();
        } catch (Throwable e) {
            // The second bind's EINVAL, as meant: the refusal path is loaded too.
        } finally {
            String failed = restore();
            if (failed != null) {
                broken = failed;
                LOG.severe(() -> "bypass: " + THREAD_NAME + " could not switch ids, it runs no calls: " + failed);
            }
        }
    }

    /** One call handed to the thread, and its outcome. */
    private static final class Task<T> {
        final TargetCredentials target;
        final Call<T> call;
        final Thread caller;
        T result;
        Throwable failure;
        volatile boolean done;

        Task(TargetCredentials target, Call<T> call, Thread caller) {
            this.target = target;
            this.call = call;
            this.caller = caller;
        }
    }
}
