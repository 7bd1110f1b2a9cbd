package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.OciNames;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.SeccompProfile;
import io.jnerd.seccomp.profile.SyscallEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a container's filter notifies, read from its bundle's config.json as runc wrote the filter from it. */
class GuardedCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What nerdctl's bypass4netnsutil notifies (and takes out of every other rule). */
    static final List<String> NERDCTL_NOTIFIED = List.of("bind", "close", "connect", "setsockopt", "fcntl", "_exit",
            "exit_group", "getpeername");

    @TempDir
    Path dir;

    private int bundles;

    private ContainerState state(Path bundle) {
        return new ContainerState("1.0.2", List.of("seccompFd"), 4711, null,
                new ContainerState.State("1.0.2", "c" + bundles, "creating", 4711, bundle.toString(), Map.of()));
    }

    /** A bundle whose config.json has {@code seccomp} as linux.seccomp (and the rest a runc config would have). */
    private Path bundle(Object seccomp) throws Exception {
        Path b = Files.createDirectory(dir.resolve("bundle" + ++bundles));
        ObjectNode config = JSON.createObjectNode().put("ociVersion", "1.0.2");
        config.putObject("process").putArray("args").add("sh");
        ObjectNode linux = config.putObject("linux");
        linux.set("seccomp", JSON.valueToTree(seccomp));
        Files.write(b.resolve("config.json"), JSON.writeValueAsBytes(config));
        return b;
    }

    private GuardedCalls read(Object seccomp) throws Exception {
        return GuardedCalls.of(state(bundle(seccomp)));
    }

    private static Object tree(SeccompProfile p) {
        return ProfileJson.toTree(p);
    }

    @Test
    void jnerdsOwnProfileGuardsEverything() throws Exception {
        GuardedCalls.Reading r = GuardedCalls.read(state(bundle(tree(BypassProfile.of(DefaultProfile.get(), "/run/agent.sock")))));
        assertEquals(GuardedCalls.ALL, r.calls());
        assertNull(r.problem());
        assertEquals(List.of(), r.calls().degradations());
    }

    @Test
    void nerdctlsProfileGuardsNoSendAndNoListen() throws Exception {
        // Not withNotify: "_exit" is no syscall name libseccomp knows, runc skips it.
        SeccompProfile nerdctl = NotifyTranslator.withSoleRule(DefaultProfile.get(),
                SyscallEntry.of(NERDCTL_NOTIFIED, OciNames.ACT_NOTIFY)).withListener("/run/agent.sock", null);
        GuardedCalls g = read(tree(nerdctl));
        // Docker's default profile admits the i386 ABI and allows its socketcall.
        assertEquals(new GuardedCalls(false, false, false), g);
        assertEquals(3, g.degradations().size(), g.degradations().toString());
        assertTrue(g.degradations().get(0).startsWith("nothing is switched"), g.degradations().toString());
    }

    @Test
    void theI386SocketcallMustBeNotifiedWhereTheFilterAdmitsThatAbi() throws Exception {
        List<SyscallEntry> notified = new ArrayList<>(List.of(SyscallEntry.of(List.of("sendto", "sendmsg", "sendmmsg",
                "listen"), OciNames.ACT_NOTIFY)));
        GuardedCalls g = read(withI386(notified));
        assertEquals(new GuardedCalls(true, true, false), g);
        assertFalse(g.switches(false), "no TCP socket is switched while socketcall runs unseen");

        notified.add(SyscallEntry.of(List.of("socketcall"), OciNames.ACT_NOTIFY));
        assertEquals(GuardedCalls.ALL, read(withI386(notified)));
    }

    /** An allow-by-default filter with {@code rules} that admits the i386 and x32 ABIs beside x86_64. */
    private static Object withI386(List<SyscallEntry> rules) throws Exception {
        SeccompProfile p = SeccompProfile.class.cast(ProfileJson.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"));
        ObjectNode t = (ObjectNode) ProfileJson.toTree(p.withSyscalls(rules));
        t.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        return t;
    }

    @Test
    void onlyUnconditionalNotificationsOrJnerdsSendtoConditionCount() throws Exception {
        SeccompProfile all = SeccompProfile.class.cast(ProfileJson.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"));
        List<SyscallEntry> rules = new ArrayList<>();
        rules.add(SyscallEntry.of(List.of("sendmsg", "sendmmsg", "listen"), OciNames.ACT_NOTIFY));
        // A notify rule on another condition leaves other sendto calls native.
        rules.add(SyscallEntry.of(List.of("sendto"), OciNames.ACT_NOTIFY)
                .withArgs(List.of(new io.jnerd.seccomp.profile.ArgRule(2, 100, 0, OciNames.CMP_NE))));
        assertEquals(new GuardedCalls(false, true, true), read(tree(all.withSyscalls(rules))));

        // Unconditional notify, but an allow rule overlapping it: whichever wins in libseccomp, not counted.
        List<SyscallEntry> overlapping = List.of(SyscallEntry.of(List.of("sendto", "sendmsg", "sendmmsg", "listen"),
                OciNames.ACT_NOTIFY), SyscallEntry.of(List.of("listen"), OciNames.ACT_ALLOW));
        assertEquals(new GuardedCalls(true, false, true), read(tree(all.withSyscalls(overlapping))));

        // A default action of notify covers what no rule names.
        assertEquals(GuardedCalls.ALL, read(Map.of("defaultAction", "SCMP_ACT_NOTIFY", "listenerPath", "/a")));
        assertEquals(new GuardedCalls(false, false, true), read(Map.of("defaultAction", "SCMP_ACT_ALLOW")));
    }

    @Test
    void anythingUnreadableGuardsNothingAndSaysWhy() throws Exception {
        Path good = bundle(tree(BypassProfile.of(DefaultProfile.get(), "/run/agent.sock")));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.move(good.resolve("config.json"), elsewhere.resolve("config.json"));
        Files.createSymbolicLink(good.resolve("config.json"), elsewhere.resolve("config.json"));
        assertUnreadable(good, "not a regular file (a symbolic link)");

        Path big = Files.createDirectory(dir.resolve("big"));
        Files.write(big.resolve("config.json"), new byte[BundleConfig.MAX_BYTES + 1]);
        assertUnreadable(big, "larger than");

        Path fifo = Files.createDirectory(dir.resolve("fifo"));
        new ProcessBuilder("mkfifo", fifo.resolve("config.json").toString()).start().waitFor();
        assertUnreadable(fifo, "not a regular file");

        assertUnreadable(Files.createDirectory(dir.resolve("missing")), "config.json");

        Path garbage = Files.createDirectory(dir.resolve("garbage"));
        Files.writeString(garbage.resolve("config.json"), "{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":\"sendto\"}]}}}");
        assertUnreadable(garbage, "names is not an array");

        Path twice = Files.createDirectory(dir.resolve("twice"));
        Files.writeString(twice.resolve("config.json"), "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\"},"
                + "\"Seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}}}");
        assertUnreadable(twice, "more than once");

        assertUnreadable(Path.of("relative"), "not absolute");
    }

    private void assertUnreadable(Path bundle, String why) {
        GuardedCalls.Reading r = GuardedCalls.read(state(bundle));
        assertEquals(GuardedCalls.NONE, r.calls());
        assertTrue(r.problem() != null && r.problem().contains(why), r.problem());
        bundles++;
    }
}
