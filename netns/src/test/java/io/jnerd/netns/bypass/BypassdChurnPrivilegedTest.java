package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Native;
import io.jnerd.nativebindings.Processes;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassDaemon;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.seccomp.profile.DefaultProfile;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 short runc containers through one bypassd, as nerdctl drives it: POST a bypass, run
 * a container whose connect the bypass switches, DELETE the bypass. The daemon runs in a JVM
 * of its own, so its threads, fds and children can be counted from outside: after a warm-up
 * (pools, lazily made threads), none of the three may grow.
 */
@Tag("privileged")
class BypassdChurnPrivilegedTest {

    private static final int WARM_UP = 20;
    private static final int CONTAINERS = 1_000;
    private static final int HTTP_PORT = 8000;
    private static final String POOL_THREAD = "http-conn-";

    @TempDir
    Path dir;

    @Test
    void aThousandContainersLeaveTheDaemonAsTheyFoundIt() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBusybox.BUSYBOX), "busybox-static is not installed");
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), "churn");
        RuncBusybox containers = RuncBusybox.prepare(dir, docroot);
        Path socket = dir.resolve("bypass4netnsd.sock");
        Process daemon = startDaemon(socket);
        try (TestHost host = TestHost.start()) {
            host.namespace().startHttpd(docroot, HTTP_PORT);
            BypassClient client = new BypassClient(socket);
            awaitSocket(socket, daemon);
            String url = "http://" + host.ipv4() + ":" + HTTP_PORT + "/index.html";
            long switchedBefore = 0;
            Footprint warm = null;
            for (int i = 0; i < CONTAINERS; i++) {
                if (i == WARM_UP) {
                    warm = Footprint.of(daemon.pid());
                }
                String id = "churn-" + i;
                Path agent = dir.resolve("agent-" + i + ".sock");
                client.start(new BypassSpec(id, agent.toString(), null, null, List.of(), List.of("auto"), null));
                try {
                    String[] r = containers.run(BypassProfile.of(DefaultProfile.get(), agent.toString()),
                            "timeout 10 wget -q -O - " + url);
                    assertEquals("0", r[0], "container " + i + ": " + r[1]);
                    assertEquals("churn", r[1].trim(), "container " + i);
                    if (i == CONTAINERS - 1) {
                        switchedBefore = client.stats(id).connectsSwitched();
                    }
                } finally {
                    client.stop(id);
                }
            }
            assertTrue(switchedBefore >= 1, "the last container's connect was switched");
            assertEquals(List.of(), client.list(), "every bypass was deleted");
            Footprint after = settled(daemon.pid(), warm);
            assertEquals(warm.fds(), after.fds(), "fds after " + WARM_UP + " and after " + CONTAINERS + " containers");
            // The HTTP server's connection pool (http-conn-N) grows and shrinks with overlapping
            // requests up to its bound; every other thread must be the same.
            assertEquals(warm.fixedThreads(), after.fixedThreads(), "threads besides the connection pool");
            assertTrue(after.poolThreads() <= BypassDaemon.MAX_CONNECTIONS, "pool threads: " + after.threads());
            // The one child is the listener holder the daemon started for the first container.
            assertEquals(1, warm.children(), "child processes after the warm-up: the holder");
            assertEquals(warm.children(), after.children(), "child processes");
        } finally {
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
    }

    /**
     * The daemon's footprint once it matches {@code warm} or 5 s have passed. A Java thread
     * that join() has seen end still has its task in /proc for a moment (the JVM tears the
     * OS thread down after it marks the Thread dead), a window a loaded machine widens; a
     * thread that is really left over is still there after 5 s.
     */
    private static Footprint settled(long pid, Footprint warm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Footprint now = Footprint.of(pid);
        while (System.nanoTime() < deadline
                && (now.fds() != warm.fds() || !now.fixedThreads().equals(warm.fixedThreads())
                        || now.children() != warm.children())) {
            Thread.sleep(50);
            now = Footprint.of(pid);
        }
        return now;
    }

    /** What the daemon holds: open fds, threads and child processes (from /proc). */
    private record Footprint(long fds, List<String> threads, long children) {
        List<String> fixedThreads() {
            return threads.stream().filter(t -> !t.startsWith(POOL_THREAD)).sorted().toList();
        }

        long poolThreads() {
            return threads.stream().filter(t -> t.startsWith(POOL_THREAD)).count();
        }

        static Footprint of(long pid) throws IOException {
            Path proc = Path.of("/proc", Long.toString(pid));
            long fds;
            try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
                fds = s.count();
            }
            List<String> threads = new java.util.ArrayList<>();
            long children = 0;
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        String name = Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII).trim();
                        String kids = Files.readString(t.resolve("children"), StandardCharsets.US_ASCII).trim();
                        threads.add(name);
                        children += kids.isEmpty() ? 0 : kids.split("\\s+").length;
                    } catch (NoSuchFileException e) {
                        // A thread that ended between the listing and the read (a pool's idle worker).
                    }
                }
            }
            return new Footprint(fds, threads, children);
        }
    }

    private Process startDaemon(Path socket) throws IOException {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-D" + Native.PROPERTY + "=" + System.getProperty(Native.PROPERTY, ""),
                // A fixed number of JIT threads: the JVM would otherwise add and retire
                // compiler threads with its load, which is not the daemon's doing.
                "-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads", "-cp", System.getProperty("java.class.path"), BypassDaemonMain.class.getName(),
                socket.toString())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bypassd.log").toFile()).start();
    }

    private void awaitSocket(Path socket, Process daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("bypassd did not listen: " + Files.readString(dir.resolve("bypassd.log")));
            }
            Thread.sleep(50);
        }
    }
}
