package io.jnerd.seccomp.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent socket when its process runs out of fds: it waits, it does not spin, and it serves again. */
@Tag("kernel")
class SeccompAgentServerLimitsTest {

    /** Enough for the JVM to start, few enough to run out of at once. */
    private static final int FD_LIMIT = 256;
    private static final int WAITING = 3;

    @TempDir
    Path dir;

    @Test
    void outOfFdsTheAcceptLoopBacksOffAndServesOnceFdsAreBack() throws Exception {
        Path socket = dir.resolve("agent.sock");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String command = "ulimit -n " + FD_LIMIT + " && exec \"$0\" --enable-native-access=ALL-UNNAMED -Djnerd.native="
                + System.getProperty("jnerd.native", "") + " -cp \"$1\" " + AgentUnderFdLimit.class.getName() + " \"$2\"";
        Process child = new ProcessBuilder("sh", "-c", command, java, System.getProperty("java.class.path"), socket.toString())
                .redirectError(dir.resolve("child.err").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            assertEquals("ready", out.readLine(), () -> stderr());
            long[] before = stats(in, out);
            in.println("fill");
            String full = out.readLine();
            assertTrue(full.startsWith("full ") && full.contains("EMFILE"), full);

            // Runtimes that connect now find the agent out of fds: they wait in the backlog.
            List<Fd> peers = new ArrayList<>();
            for (int i = 0; i < WAITING; i++) {
                Fd peer = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                Sockets.connect(peer, SockAddr.unix(socket.toString()));
                peers.add(peer);
            }
            peers.forEach(Fd::close);
            Thread.sleep(1500);
            long[] starved = stats(in, out);
            assertEquals(0, starved[0], "nothing could be accepted without fds");
            // A loop retrying at once would have burnt the 1.5 s; one backing off takes a few ms.
            assertTrue(starved[1] - before[1] < TimeUnit.MILLISECONDS.toNanos(300),
                    "agent thread used " + (starved[1] - before[1]) / 1_000_000 + " ms of CPU in 1.5 s out of fds");

            in.println("free");
            assertEquals("freed", out.readLine());
            long[] after = stats(in, out);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (after[0] < WAITING && System.nanoTime() < deadline) {
                Thread.sleep(50);
                after = stats(in, out);
            }
            assertEquals(WAITING, after[0], "the waiting connections were served (as empty ones) once fds were back");
            assertEquals(before[2], after[2], "threads");
            assertEquals(before[3], after[3], "sockets and anon-inode fds (eventfds, epoll)");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    /** rejected, agent thread CPU ns, threads, fds. */
    private long[] stats(PrintStream in, BufferedReader out) throws Exception {
        in.println("stats");
        String[] f = out.readLine().split(" ");
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        assertTrue(v[1] >= 0, () -> "the agent thread is alive: " + stderr());
        return v;
    }

    private String stderr() {
        try {
            return java.nio.file.Files.readString(dir.resolve("child.err"));
        } catch (java.io.IOException e) {
            return "(no stderr)";
        }
    }
}
