package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Processes;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.seccomp.agent.SeccompAgentServer;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The i386 ABI from inside a real runc container, through runc's libseccomp with the
 * profiles as deployed (jnerd's bypass profile, and nerdctl's 8-syscall notify set): a
 * 64-bit program connects a UDP socket to the test host's echo natively (switched to a host
 * socket), then re-points it at the host's 127.0.0.1 with {@code int $0x80} connect (362)
 * and socketcall(SYS_CONNECT). Both must fail with EPERM, the host's loopback must receive
 * nothing, and the echo from the test host must still come back.
 */
@Tag("privileged")
class CompatAbiRuncPrivilegedTest {

    private static final Pattern RESULT = Pattern.compile(
            "native=(-?\\d+) i386=(-?\\d+) echo1=(-?\\d+)(?: socketcall=(-?\\d+) echo2=(-?\\d+))?");

    @TempDir
    static Path dir;

    private static TestHost host;
    private static RuncBusybox containers;
    private static ConnectWaiter waiter;
    private static BypassHandler bypass;
    private static Supervisor supervisor;
    private static SeccompAgentServer agent;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Arch.current() == Arch.X86_64, "the i386 ABI is x86_64's; this host is " + Arch.current());
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBusybox.BUSYBOX), "busybox-static is not installed");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        Path program = compile(dir);
        String probe = runOnHost(program, "probe");
        Assumptions.assumeTrue(probe.equals("ia32=0"), "the kernel runs no i386 code (CONFIG_IA32_EMULATION off, "
                + "or ia32_emulation=0 on its command line): " + probe);
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        containers = RuncBusybox.prepare(dir, docroot);
        Files.copy(program, dir.resolve("rootfs/bin/compat-connect"));
        host = TestHost.start();
        waiter = new ConnectWaiter("bypass-connect-waiter");
        bypass = new BypassHandler(IgnoreRules.parse(List.of("auto")), List.of(), waiter);
        supervisor = new Supervisor(bypass);
        agent = SeccompAgentServer.start(dir.resolve("agent.sock"), supervisor::supervise);
    }

    @AfterAll
    static void stop() throws Exception {
        Resources.closeAll(agent, supervisor, waiter, host);
    }

    @Test
    void underJnerdsProfileI386ConnectsOnASwitchedSocketAreRefused() throws Exception {
        assertRefused(BypassProfile.of(DefaultProfile.get(), agent.path().toString()));
    }

    /**
     * nerdctl's list names _exit, libc's name for the exit syscall. Its profile leaves
     * socketcall allowed, so the i386 socketcall(SYS_CONNECT) runs natively there: only
     * bypassd can close that (by not switching what it cannot guard), not the handler.
     */
    @Test
    void underNerdctlsNotifySetTheI386ConnectOnASwitchedSocketIsRefused() throws Exception {
        assertRefused(NotifyTranslator.withNotify(DefaultProfile.get(), List.of("bind", "close", "connect",
                "setsockopt", "fcntl", "exit", "exit_group", "getpeername"), agent.path().toString(), null), false);
    }

    private static void assertRefused(SeccompProfile profile) throws Exception {
        assertRefused(profile, true);
    }

    private static void assertRefused(SeccompProfile profile, boolean socketcallNotified) throws Exception {
        long refused = bypass.stats().compatRefused();
        try (DatagramSocket loopback = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String[] r = containers.run(profile, "compat-connect " + host.ipv4() + " " + TestHost.UDP_ECHO + " "
                    + loopback.getLocalPort() + (socketcallNotified ? "" : " no-socketcall"));
            Matcher m = RESULT.matcher(r[1]);
            assertTrue(m.find(), "exit " + r[0] + ": " + r[1]);
            assertEquals(0, Integer.parseInt(m.group(1)), "the native connect to the test host: " + r[1]);
            assertEquals(-Errno.EPERM, Integer.parseInt(m.group(2)), "i386 connect: " + r[1]);
            assertEquals(4, Integer.parseInt(m.group(3)), "the echo still comes from the test host: " + r[1]);
            if (socketcallNotified) {
                assertEquals(-Errno.EPERM, Integer.parseInt(m.group(4)), "i386 socketcall(SYS_CONNECT): " + r[1]);
                assertEquals(4, Integer.parseInt(m.group(5)), "the echo still comes from the test host: " + r[1]);
            }
            assertTrue(bypass.stats().compatRefused() >= refused + (socketcallNotified ? 2 : 1), "refusals counted");
            assertEquals(0, supervisor.stats().continueRefused(), "no path of the handler tried to CONTINUE them");
            loopback.setSoTimeout(1);
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            loopback.receive(p);
            throw new AssertionError("the host's loopback received '"
                    + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII) + "' from the container");
        } catch (SocketTimeoutException expected) {
            // nothing arrived on the host's 127.0.0.1
        }
    }

    /** gcc builds the no-libc program; it is in bin/deb-packages with the other test tools. */
    private static Path compile(Path dir) throws Exception {
        Path source = dir.resolve("compat-connect.c");
        try (InputStream in = CompatAbiRuncPrivilegedTest.class.getResourceAsStream("compat-connect.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("compat-connect");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector",
                    "-fno-pie", "-no-pie", "-O1", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            Assumptions.abort("gcc is not installed (apt-get install gcc): " + e.getMessage());
            throw e;
        }
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc: " + out);
        return binary;
    }

    private static String runOnHost(Path program, String arg) throws Exception {
        Process p = new ProcessBuilder(program.toString(), arg).redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
