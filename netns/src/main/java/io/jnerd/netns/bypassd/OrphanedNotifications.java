package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Ptrace;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Notifications a killed daemon received and never answered. The kernel keeps such a
 * notification pending on the listener (the kept copy holds it) and its thread asleep in
 * {@code seccomp_do_user_notification} until something interrupts the wait; nothing else
 * ends it, and no other holder of the listener can receive it again. A ptrace interrupt
 * ({@link Ptrace#interruptWait}) is such an interruption that the process never sees: the
 * syscall is restarted (ERESTARTSYS), filtered again and notified anew, to the new daemon.
 * It is done once per container at every take-over, before the new daemon receives anything,
 * so every thread found asleep there holds either such an orphan or a notification nobody
 * received yet (which a restart only makes again). Not only after a kill: a stop (SIGTERM)
 * drains the connects under way for 2 s, yet one was seen left unanswered all the same (a
 * connect to an address nobody answers ARP for then waited until nc's own alarm). A signal would do the
 * same to the thread but not to the others: SIGSTOP tells the parent (SIGCHLD), whose own
 * notified call, a close under nerdctl's profile, then returns EINTR without closing (seen:
 * a shell kept its pipe's write end and read it forever).
 */
final class OrphanedNotifications {

    /**
     * What /proc/TID/wchan shows for a thread waiting for its notification's answer: the
     * function, or a clone the compiler made of it ("seccomp_do_user_notification.isra.0"
     * on Linux 6.18).
     */
    static final String WAITING = "seccomp_do_user_notification";

    private OrphanedNotifications() {}

    /** Restarts the notified calls of {@code container}'s processes; returns how many processes it kicked. */
    static int release(ContainerState container, Consumer<String> log) {
        Path ns = pidNamespace(container.pid());
        if (ns == null) {
            return 0;
        }
        // A container in the host's pid namespace (--pid=host) is its init and what descends from it.
        boolean shared = ns.equals(pidNamespace(ProcessHandle.current().pid()));
        List<Long> candidates = shared ? descendants(container.pid()) : inNamespace(ns);
        int kicked = 0;
        for (long pid : candidates) {
            for (int tid : waitingThreads(Path.of("/proc", Long.toString(pid)))) {
                // Checked again just before: a tid reused meanwhile is in another namespace.
                if (!ns.equals(pidNamespace(tid))) {
                    continue;
                }
                try {
                    Ptrace.interruptWait(tid);
                    kicked++;
                } catch (SyscallException e) {
                    log.accept("container " + container.containerId() + ": cannot restart the notified call of thread "
                            + tid + ": " + e.getMessage());
                }
            }
        }
        if (kicked > 0) {
            log.accept("container " + container.containerId() + ": restarted the notified calls of " + kicked
                    + " thread(s) that waited on the previous daemon");
        }
        return kicked;
    }

    /** Processes in pid namespace {@code ns}. */
    private static List<Long> inNamespace(Path ns) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (ns.equals(pidNamespace(pid))) {
                    out.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: nothing to release.
        }
        return out;
    }

    /** {@code pid} and every process below it. */
    private static List<Long> descendants(long pid) {
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            ProcessHandle.of(out.get(i)).ifPresent(p -> p.children().forEach(c -> out.add(c.pid())));
        }
        return out;
    }

    /** The threads of the process at {@code proc} waiting in a seccomp notification. */
    private static List<Integer> waitingThreads(Path proc) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    // Only an interruptible sleep (S): a filter with WAIT_KILLABLE_RECV (Linux 5.19)
                    // sleeps killable (D) once its notification was received, which no ptrace
                    // interrupt ends, and waiting for that stop would hold the take-over.
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    if (Files.readString(task.resolve("wchan"), StandardCharsets.US_ASCII).trim().startsWith(WAITING)
                            && stat.charAt(stat.lastIndexOf(')') + 2) == 'S') {
                        out.add(Integer.parseInt(task.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended.
                }
            }
        } catch (IOException gone) {
            // The process ended.
        }
        return out;
    }

    private static Path pidNamespace(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid"));
        } catch (IOException e) {
            return null;
        }
    }
}
