package io.jnerd.seccomp.agent;

import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SyscallException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for {@link SeccompAgentServerLimitsTest}, run under a low RLIMIT_NOFILE: an
 * agent socket at {@code args[0]}, driven line by line on stdin ("fill": take every fd
 * left; "free": give them back; "stats"), answering one line each on stdout.
 */
public final class AgentUnderFdLimit {

    private AgentUnderFdLimit() {}

    public static void main(String[] args) throws Exception {
        List<Fd> hoard = new ArrayList<>();
        try (SeccompAgentServer server = SeccompAgentServer.start(Path.of(args[0]), (state, fd) -> fd.close())) {
            System.out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "fill":
                        try {
                            while (true) {
                                hoard.add(EventFd.create(0, EventFd.EFD_CLOEXEC));
                            }
                        } catch (SyscallException full) {
                            System.out.println("full " + full.getMessage());
                        }
                        break;
                    case "free":
                        hoard.forEach(Fd::close);
                        hoard.clear();
                        System.out.println("freed");
                        break;
                    default:
                        System.out.println(server.rejected() + " " + agentThreadCpuNanos() + " " + Thread.activeCount()
                                + " " + openFds());
                }
            }
        }
    }

    private static long agentThreadCpuNanos() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("seccomp-agent")) {
                return ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
            }
        }
        return -1;
    }

    /**
     * The fds of the kinds the agent server makes (sockets, and anon inodes: eventfds,
     * epoll): the JVM opens and closes its own files (jars, jffi's extracted library) at any
     * moment, and a CI run saw one fewer of those after than before. -1 while the fds are all
     * taken: listing them needs one.
     */
    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(AgentUnderFdLimit::target).filter(t -> t.startsWith("socket:") || t.startsWith("anon_inode:"))
                    .count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (java.io.IOException e) {
            return ""; // closed meanwhile, as the directory stream's own fd is
        }
    }
}
