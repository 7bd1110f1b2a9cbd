package io.jnerd.netns.bypassd;

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
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bypassd path end to end, as {@code jnerd run --net=bypass4netns} and nerdctl drive it:
 * a bypass POSTed to the daemon, a real runc container whose seccomp profile sends connect
 * and bind to the bypass's socketPath, slirp4netns attached between create and start, and a
 * busybox wget to the test-host namespace that the switcher connects from the host.
 */
@Tag("privileged")
class BypassdRuncTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void containerFetchesFromTheTestHostThroughTheSwitch() throws Exception {
        assumeTrue(Commands.isRoot(), "rootful runc and the test-host namespace need root");
        Path docroot = Files.createDirectory(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), "switched hello\n");
        Path runcRoot = dir.resolve("runc");
        String id = "jnerd-bypassd-" + ProcessHandle.current().pid();
        java.util.Queue<String> log = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (TestHostNamespace testHost = TestHostNamespace.create(); BypassDaemon daemon = new BypassDaemon(log::add)) {
            testHost.startHttpd(docroot, 80);
            daemon.start(dir.resolve("bypass4netnsd.sock"));
            BypassClient client = new BypassClient(dir.resolve("bypass4netnsd.sock"));
            Path agent = dir.resolve("agent.sock");
            client.start(new BypassSpec(id, agent.toString(), null, null, List.of(), List.of("auto"), null));

            Path bundle = bundle(agent, "http://" + testHost.address().getHostAddress() + "/index.html");
            Process create = new ProcessBuilder("runc", "--root", runcRoot.toString(), "create", "--bundle",
                    bundle.toString(), id).redirectInput(new File("/dev/null"))
                    .redirectError(dir.resolve("runc-create.err").toFile()).start();
            // The container inherits runc create's stdout: it ends when the container exits.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return "(read failed: " + e + ")";
                }
            });
            NetworkAttachment network = null;
            try {
                assertTrue(create.waitFor(60, TimeUnit.SECONDS) && create.exitValue() == 0,
                        () -> "runc create: " + read(dir.resolve("runc-create.err")));
                long pid = JSON.readTree(Commands.ok("runc", "--root", runcRoot.toString(), "state", id)).path("pid").asLong();
                network = ContainerNetworks.attach(NetworkMode.BYPASS4NETNS, NetnsTarget.ofPid(pid), List.of(),
                        dir.resolve("net")).orElseThrow();
                Commands.ok("runc", "--root", runcRoot.toString(), "start", id);
                assertEquals("switched hello\n", output.get(60, TimeUnit.SECONDS));

                BypassStatsReport stats = client.stats(id);
                assertEquals(1, stats.listenersReceived(), stats.toString());
                assertTrue(stats.connectsSwitched() >= 1, stats.toString());
                assertTrue(stats.notifications().getOrDefault("connect", 0L) >= 1, stats.toString());
                // The profile notifies connect and bind only (as nerdctl's notifies no send and
                // no listen): what that keeps from being switched is said in the stats, the
                // list and the log.
                assertEquals(2, stats.notSwitched().size(), stats.toString());
                assertTrue(stats.notSwitched().get(0).startsWith("UDP sockets are not switched: the seccomp filter does not"
                        + " notify sendto with an address, sendmsg and sendmmsg"), stats.toString());
                assertEquals(stats.notSwitched(), client.list().get(0).notSwitched());
                assertTrue(log.stream().anyMatch(l -> l.startsWith("bypass " + id + ": container " + id
                        + ": UDP sockets are not switched")), log.toString());
            } finally {
                Commands.run("runc", "--root", runcRoot.toString(), "delete", "-f", id);
                if (network != null) {
                    network.close();
                }
                client.stop(id);
            }
        }
    }

    private Path bundle(Path agentSocket, String url) throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("bundle"));
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(bundle.resolve("rootfs").resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Commands.ok("runc", "spec", "--bundle", bundle.toString());
        ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        for (String a : List.of("/bin/busybox", "timeout", "20", "/bin/busybox", "wget", "-q", "-O", "-", url)) {
            args.add(a);
        }
        ObjectNode seccomp = ((ObjectNode) config.get("linux")).putObject("seccomp");
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        seccomp.put("listenerPath", agentSocket.toString());
        ObjectNode notify = seccomp.putArray("syscalls").addObject();
        notify.putArray("names").add("connect").add("bind");
        notify.put("action", "SCMP_ACT_NOTIFY");
        JSON.writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no " + file + ")";
        }
    }
}
