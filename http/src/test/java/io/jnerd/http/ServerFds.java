package io.jnerd.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The fds of this process that belong to one unix-socket server: the listening socket and
 * every connection it accepted (accepted sockets carry the listener's bound path in
 * /proc/net/unix). Other threads' fds do not count, so the figure is exact while they come and go.
 */
public final class ServerFds {

    private ServerFds() {}

    public static long count(Path socket) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
        String bound = socket.toAbsolutePath().toString();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && (f[7].equals(bound) || f[7].equals(bound + ".new"))) {
                inodes.add("socket:[" + f[6] + "]");
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /** Threads of the HTTP layer (event loops and workers), by name. */
    public static long threads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("http-loop ") || n.startsWith("http-conn-")).count();
    }

    /** Connection threads inside a request: pool threads idle between requests have no io.jnerd frame. */
    public static long busyWorkers() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("http-conn-"))
                .filter(e -> Stream.of(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.jnerd.")))
                .count();
    }
}
