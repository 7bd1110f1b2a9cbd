package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Native;
import io.jnerd.nativebindings.Processes;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.netns.bypassd.BypassStatsReport;
import io.jnerd.netns.bypassd.FdHolder;
import io.jnerd.netns.testhost.AcceptGaps;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bypassd restarted under a running container, as nerdctl drives it: a bypass POSTed with
 * nerdctl's profile, a runc container (loopback only: a connect that is not switched fails)
 * running a client that connects to a test host every 10 ms. The daemon is killed (SIGKILL)
 * and started again 2 s later, then stopped (SIGTERM) and started again 2 s later, then
 * restarted 18 more times: no connect of the client may fail, those after each restart are
 * served by the new daemon and reach the test host from the host side, and the 20th daemon
 * holds the fds, threads and child processes the 2nd did, with one holder process all along.
 * The longest pause between two connects the test host saw is printed (the gap a client sees).
 */
@Tag("privileged")
class BypassdRestartPrivilegedTest {

    private static final int PORT = 7100;
    private static final int RESTARTS = 20;
    private static final long LONG_GAP_MILLIS = 2_000;
    private static final long SHORT_GAP_MILLIS = 100;
    private static final String POOL_THREAD = "http-conn-";

    @TempDir
    Path dir;

    @Test
    void restartsUnderARunningContainerFailNoConnect() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBusybox.BUSYBOX), "busybox-static is not installed");
        RuncBusybox containers = RuncBusybox.prepare(dir, Files.createDirectories(dir.resolve("docroot")));
        Path socket = dir.resolve("bypass4netnsd.sock");
        Path accepts = dir.resolve("accepts.log");
        Path output = dir.resolve("client.out");
        Process daemon = startDaemon(socket, 0);
        String container = null;
        try (TestHost host = TestHost.start()) {
            host.namespace().startPeerAddressEcho(PORT, accepts);
            BypassClient client = new BypassClient(socket);
            awaitSocket(socket, daemon, 0);
            Path agent = dir.resolve("agent.sock");
            client.start(new BypassSpec("restart", agent.toString(), null, null, List.of(), List.of("auto"), null));
            // nerdctl's notified calls on docker's profile for the native ABI only: where the
            // i386 socketcall runs unseen, jnerd switches nothing at all (architecture, flow 1).
            SeccompProfile nerdctl = NotifyTranslator.withNotify(DefaultProfile.get().withArchitectures(
                    List.of(DefaultProfile.get().architectures().get(0))), BypassdEscapeTest.NERDCTL_NOTIFIED, agent.toString(), null);
            container = containers.startDetached(nerdctl,
                    "while :; do if r=$(nc -w 10 " + host.ipv4() + " " + PORT + " </dev/null); then echo \"ok $r\";"
                            + " else echo FAIL; fi; usleep 10000; done", output);
            awaitConnects(output, 20, container);

            long holder = holderPid();
            Footprint second = null;
            for (int i = 1; i <= RESTARTS; i++) {
                boolean kill = i % 2 == 1;
                if (kill) {
                    daemon.destroyForcibly();
                } else {
                    daemon.destroy();
                }
                assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "daemon " + i + " ends");
                Thread.sleep(i <= 2 ? LONG_GAP_MILLIS : SHORT_GAP_MILLIS);
                int before = successes(output);
                long started = System.nanoTime();
                daemon = startDaemon(socket, i);
                awaitSocket(socket, daemon, i);
                System.out.println("bypassd " + i + " (after " + (kill ? "SIGKILL" : "SIGTERM") + ") serves after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
                awaitConnects(output, before + 3, container);
                BypassStatsReport stats = client.stats("restart");
                assertTrue(stats.connectsSwitched() >= 1, "daemon " + i + " switches the container's connects: " + stats);
                assertEquals(0, stats.listenersReceived(), "daemon " + i + " took the listener over, runc sent none: " + stats);
                assertEquals(holder, holderPid(), "the same holder after restart " + i);
                if (i == 2) {
                    second = Footprint.settled(daemon.pid(), null);
                }
            }
            Footprint last = Footprint.settled(daemon.pid(), second);
            assertEquals(second.fds(), last.fds(), "fds of the 2nd and the " + RESTARTS + "th daemon");
            assertEquals(second.fixedThreads(), last.fixedThreads(), "threads besides the connection pool");
            assertEquals(0, last.children(), "child processes of a daemon that found a holder");

            List<String> lines = Files.readAllLines(output);
            assertEquals(0, lines.stream().filter(l -> l.contains("FAIL")).count(), "failed connects: " + tail(lines));
            String hostSide = IpLiteral.format(host.namespace().hostAddress());
            for (String l : lines) {
                assertEquals("ok " + hostSide, l, "every connect came from the host side " + hostSide + ": " + l);
            }
            System.out.println("bypassd restart: " + lines.size() + " connects, none failed; " + AcceptGaps.read(accepts)
                    + "; the holder's " + Files.readAllLines(Path.of("/proc", Long.toString(holder), "status")).stream()
                            .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " "));
            client.stop("restart");
            assertEquals(List.of(), client.list());
        } finally {
            if (container != null) {
                containers.delete(container);
            }
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
        assertHolderEnds();
    }

    /** The holder's pid: the peer of its socket. */
    private long holderPid() throws IOException {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            List<Long> holders = all.filter(p -> p.info().commandLine().orElse("").contains(FdHolder.class.getName())
                    && p.info().commandLine().orElse("").contains(dir.toString())).map(ProcessHandle::pid).toList();
            assertEquals(1, holders.size(), "one holder: " + holders);
            return holders.get(0);
        }
    }

    /** Once no bypass holds a listener and no daemon is connected, the holder ends. */
    private void assertHolderEnds() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                if (all.noneMatch(p -> p.info().commandLine().orElse("").contains(FdHolder.class.getName())
                        && p.info().commandLine().orElse("").contains(dir.toString()))) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the holder ends once it holds nothing");
            Thread.sleep(50);
        }
    }

    private static int successes(Path output) throws IOException {
        return (int) Files.readAllLines(output).stream().filter(l -> l.startsWith("ok ")).count();
    }

    private void awaitConnects(Path output, int count, String container) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (successes(output) < count) {
            List<String> lines = Files.readAllLines(output);
            assertTrue(lines.stream().noneMatch(l -> l.contains("FAIL")), () -> "a connect failed: " + tail(lines));
            assertTrue(System.nanoTime() < deadline, () -> "no " + count + " connects in 60 s: " + tail(lines)
                    + "\ncontainer's processes: " + processes(container));
            Thread.sleep(20);
        }
    }

    /** Each process of the container: pid, state, and the wchan of each of its threads. */
    private String processes(String container) {
        StringBuilder out = new StringBuilder();
        try {
            Process ps = new ProcessBuilder("runc", "--root", dir.resolve("runc-root").toString(), "ps", "--format", "json",
                    container).redirectErrorStream(true).start();
            String pids = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).replaceAll("[\\[\\]\\s]", "");
            for (String pid : pids.split(",")) {
                Path proc = Path.of("/proc", pid);
                String stat = Files.readString(proc.resolve("stat"));
                out.append("\n  ").append(stat, 0, Math.min(stat.length(), 40));
                try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                    for (Path t : (Iterable<Path>) tasks::iterator) {
                        out.append(" [").append(Files.readString(t.resolve("wchan"))).append(' ')
                                .append(Files.readString(t.resolve("syscall")).trim()).append(']');
                    }
                }
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        String link = Files.readSymbolicLink(fd).toString();
                        out.append("\n    fd ").append(fd.getFileName()).append(' ').append(link);
                        if (link.startsWith("pipe:")) {
                            out.append(" held by").append(holdersOf(link));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            out.append(" (").append(e).append(')');
        }
        return out.toString();
    }

    /** Every process on the host with {@code link} (e.g. "pipe:[123]") among its fds. */
    private static String holdersOf(String link) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("[0-9]+")) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        if (Files.readSymbolicLink(fd).toString().equals(link)) {
                            out.append(' ').append(proc.getFileName()).append('(')
                                    .append(Files.readString(proc.resolve("comm")).trim()).append(") fd ").append(fd.getFileName());
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // ended, or not ours to read
                }
            }
        } catch (IOException e) {
            out.append(" ?");
        }
        return out.toString();
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    private Process startDaemon(Path socket, int generation) throws IOException {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-D" + Native.PROPERTY + "=" + System.getProperty(Native.PROPERTY, ""),
                // C1 only: each start counts in the test's time; a fixed number of JIT threads, so
                // the JVM's load does not change the daemon's thread count.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp", System.getProperty("java.class.path"), BypassDaemonMain.class.getName(), socket.toString())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bypassd-" + generation + ".log").toFile()).start();
    }

    /** Until the daemon answers on its socket (a stale socket file of the last one may still be there). */
    private void awaitSocket(Path socket, Process daemon, int generation) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                new BypassClient(socket).list();
                return;
            } catch (IOException notYet) {
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("bypassd " + generation + " did not listen: "
                            + Files.readString(dir.resolve("bypassd-" + generation + ".log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * What a daemon holds: open fds (but the sessions' bounded caches of target pidfds and
     * fdinfo files), threads and child processes (from /proc).
     */
    private record Footprint(long fds, List<String> threads, long children) {
        List<String> fixedThreads() {
            return threads.stream().filter(t -> !t.startsWith(POOL_THREAD)).sorted().toList();
        }

        /** Once it matches {@code like} or 5 s have passed (a joined thread's task stays in /proc for a moment). */
        static Footprint settled(long pid, Footprint like) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Thread.sleep(200);
            Footprint now = of(pid);
            while (like != null && System.nanoTime() < deadline && (now.fds() != like.fds()
                    || !now.fixedThreads().equals(like.fixedThreads()) || now.children() != 0)) {
                Thread.sleep(50);
                now = of(pid);
            }
            return now;
        }

        static Footprint of(long pid) throws IOException {
            Path proc = Path.of("/proc", Long.toString(pid));
            long fds = 0;
            try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
                for (Path fd : (Iterable<Path>) s::iterator) {
                    String link;
                    try {
                        link = Files.readSymbolicLink(fd).toString();
                    } catch (IOException gone) {
                        continue;
                    }
                    // Each session's bounded caches of its targets' pidfds and fdinfo files fill
                    // with the container's processes: what they hold depends on the work done.
                    if (!link.equals("anon_inode:[pidfd]") && !link.contains("/fdinfo/")) {
                        fds++;
                    }
                }
            }
            List<String> threads = new ArrayList<>();
            long children = 0;
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        threads.add(Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII).trim());
                        String kids = Files.readString(t.resolve("children"), StandardCharsets.US_ASCII).trim();
                        children += kids.isEmpty() ? 0 : kids.split("\\s+").length;
                    } catch (NoSuchFileException e) {
                        // A thread that ended between the listing and the read.
                    }
                }
            }
            return new Footprint(fds, threads, children);
        }
    }
}
