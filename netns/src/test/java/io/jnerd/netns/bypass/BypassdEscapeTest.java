package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.netns.Commands;
import io.jnerd.netns.ContainerNetworks;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.NetworkMode;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassDaemon;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.netns.bypassd.BypassStatsReport;
import io.jnerd.netns.bypassd.PortSpec;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14's "Done when", through {@code jnerd bypassd}'s API: a hostile program in a real
 * runc container (slirp4netns attached between create and start, as nerdctl does) tries
 * every class of way around the switch to reach TCP and UDP listeners on the host's
 * 127.0.0.1, under nerdctl's 8-syscall notify profile and under jnerd's own bypass profile.
 * The listeners must receive nothing (no connection, no byte, no datagram), and the same
 * container's legitimate traffic to the test host must still flow, before and after.
 *
 * <p>One container per class and profile; the attacker ({@link EscapeAttacker}) bounds its
 * races in time and prints its counts, which are in every failure message. The assertion is
 * "zero escapes", never a timing.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BypassdEscapeTest {

    /**
     * What {@code nerdctl run --annotation nerdctl/bypass4netns=true} gives runc to notify.
     * nerdctl names exit "_exit", which libseccomp does not know and runc skips; jnerd's
     * profile checker refuses unknown names, so it is the syscall's own name here.
     */
    static final List<String> NERDCTL_NOTIFIED = List.of("bind", "close", "connect", "setsockopt", "fcntl", "exit",
            "exit_group", "getpeername");
    private static final int PUBLISHED_CONTAINER_PORT = 8080;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** The profile runc loads, given the agent socket. */
    enum Profile {
        NERDCTL(agent -> NotifyTranslator.withNotify(DefaultProfile.get(), NERDCTL_NOTIFIED, agent, null)),
        JNERD(agent -> BypassProfile.of(DefaultProfile.get(), agent));

        final Function<String, SeccompProfile> forAgent;

        Profile(Function<String, SeccompProfile> forAgent) {
            this.forAgent = forAgent;
        }
    }

    @TempDir
    static Path dir;
    private static BypassDaemon daemon;
    private static BypassClient client;
    private static Path rootfs;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Commands.isRoot(), "rootful runc, slirp4netns and the test-host namespace need root");
        assumeTrue(Files.isExecutable(RuncBusybox.BUSYBOX), "needs busybox-static (apt-get install busybox-static)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
        assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(RuncBusybox.BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        EscapeAttacker.compile(bin.resolve("attacker"));
        daemon = new BypassDaemon(line -> { });
        daemon.start(dir.resolve("bypass4netnsd.sock"));
        client = new BypassClient(dir.resolve("bypass4netnsd.sock"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    /**
     * Class 1: i386 (int $0x80) and x32 connect, sendto, sendmsg, listen and socketcall on
     * switched sockets, also after disconnecting one (AF_UNSPEC).
     */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void compatSyscallAbisReachNothingOnTheHostsLoopback(Profile profile) throws Exception {
        attack(profile, "compat");
    }

    /** Class 2: a second thread dup2()s a switched host socket onto the fd of a CONTINUEd call. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void swappingAHostSocketUnderACheckedCallReachesNothing(Profile profile) throws Exception {
        attack(profile, "swap");
    }

    /** Class 3: sends with an address and TCP fast open on switched sockets, notified or not. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void sendsWithAnAddressOnSwitchedSocketsReachNothing(Profile profile) throws Exception {
        attack(profile, "nerdctl");
    }

    /** Class 4: arguments the agent cannot read, and a msghdr whose page comes and goes. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void unreadableArgumentsReachNothing(Profile profile) throws Exception {
        attack(profile, "failopen");
    }

    private void attack(Profile profile, String mode) throws Exception {
        String id = "jnerd-escape-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path agent = dir.resolve(id + ".sock");
        int publishedHostPort = freePort();
        // A test host of its own: a flood of one run must not leave the next one's echo servers behind.
        try (TestHost testHost = TestHost.start(); LoopbackListeners loopback = LoopbackListeners.start()) {
            client.start(new BypassSpec(id, agent.toString(), null, null,
                    List.of(new PortSpec(List.of("tcp"), "127.0.0.1", publishedHostPort, null, PUBLISHED_CONTAINER_PORT)),
                    List.of("auto"), null));
            String output;
            BypassStatsReport stats;
            try {
                // Through a shell, so that a crash (a signal) shows in the output as "exit 139" and the like.
                String command = "/bin/attacker " + String.join(" ", EscapeAttacker.args(mode, testHost.ipv4(),
                        TestHost.TCP_ECHO, TestHost.UDP_ECHO, TestHost.CLOSED_PORT, loopback, PUBLISHED_CONTAINER_PORT))
                        + " 2>&1; echo exit $?";
                output = runContainer(id, profile.forAgent.apply(agent.toString()),
                        List.of("/bin/busybox", "sh", "-c", command));
                stats = client.stats(id);
            } finally {
                client.stop(id);
            }
            // Datagrams and bytes in flight when the container ended.
            Thread.sleep(300);
            String evidence = profile + " " + mode + ": listeners " + loopback.counts() + "\nbypass " + stats
                    + "\n--- attacker\n" + output;
            // The counts of every run, passed or not, in the test's report: the races' reach is seen there.
            System.out.println(evidence);
            assertAll(
                    () -> assertTrue(loopback.reachedNothing(), "the host's 127.0.0.1 was reached: " + evidence),
                    () -> assertEquals(-1, output.indexOf("HOST-LISTEN"), "a host socket listens on a port nobody "
                            + "published: " + evidence),
                    () -> assertLegitimateTrafficFlowed(output, evidence),
                    () -> assertTrue(stats.notifications().getOrDefault("connect", 0L) > 0,
                            "the bypass saw the container's connects: " + evidence));
        }
    }

    private static void assertLegitimateTrafficFlowed(String output, String evidence) {
        for (String line : List.of("legit tcp before ok", "legit udp before ok", "legit tcp after ok",
                "legit udp after ok")) {
            assertTrue(output.contains(line + "\n"), "missing \"" + line + "\": " + evidence);
        }
        assertEquals(-1, output.indexOf("FAILED"), "a legitimate round trip failed: " + evidence);
        assertTrue(output.endsWith("exit 0\n"), "the attacker ran to its end: " + evidence);
    }

    /**
     * runc create, slirp4netns attached to the container's namespace, runc start; the
     * attacker's output once the container stopped. The output goes to a file, not a pipe:
     * the JDK drains and closes a child's stdout pipe when the child (runc create) exits,
     * and the container, still writing to it, would die of SIGPIPE. Deletes the container
     * and detaches the network whatever happens.
     */
    private static String runContainer(String id, SeccompProfile seccomp, List<String> args) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve(id));
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config(bundle, seccomp, args)));
        Path out = bundle.resolve("output");
        String runcRoot = dir.resolve("runc").toString();
        NetworkAttachment network = null;
        try {
            Process create = new ProcessBuilder("runc", "--root", runcRoot, "create", "--bundle", bundle.toString(), id)
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new AssertionError("runc create " + id + ": " + Files.readString(out));
            }
            network = ContainerNetworks.attach(NetworkMode.BYPASS4NETNS, NetnsTarget.ofPid(state(runcRoot, id).path("pid")
                    .asLong()), List.of(), bundle.resolve("net")).orElseThrow();
            Commands.ok("runc", "--root", runcRoot, "start", id);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!state(runcRoot, id).path("status").asText().equals("stopped")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("container " + id + " still runs after 90 s: " + Files.readString(out));
                }
                Thread.sleep(100);
            }
            return Files.readString(out);
        } finally {
            Commands.run("runc", "--root", runcRoot, "delete", "-f", id);
            if (network != null) {
                network.close();
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode state(String runcRoot, String id) throws Exception {
        return JSON.readTree(Commands.ok("runc", "--root", runcRoot, "state", id));
    }

    /**
     * {@code runc spec}'s config (its namespaces and mounts), with the shared read-only rootfs,
     * the attacker's command line, Docker's default capabilities (CAP_NET_RAW among them: raw
     * sockets are one of the swapped victims) and the profile.
     */
    private static ObjectNode config(Path bundle, SeccompProfile seccomp, List<String> args) throws Exception {
        Commands.ok("runc", "spec", "--bundle", bundle.toString());
        ObjectNode c = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) c.get("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        args.forEach(argv::add);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ProfileContext.DEFAULT_CAPABILITIES.stream().sorted().forEach(caps.putArray(set)::add);
        }
        c.putObject("root").put("path", rootfs.toString()).put("readonly", true);
        ((ObjectNode) c.get("linux")).set("seccomp", ProfileJson.toTree(seccomp));
        return c;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
