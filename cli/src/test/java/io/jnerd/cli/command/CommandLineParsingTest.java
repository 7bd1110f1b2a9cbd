package io.jnerd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.JnerdException;
import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.cli.container.RunSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

/** Flag parsing alone: no containerd is contacted. */
class CommandLineParsingTest {
    private static JnerdCommand top;

    private static ParseResult parse(String... args) {
        top = new JnerdCommand();
        return Main.commandLine(top).parseArgs(args);
    }

    private static RunCommand run(String... args) {
        ParseResult r = parse(args);
        return (RunCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void everythingAfterTheImageBelongsToTheContainer() {
        RunCommand run = run("run", "--rm", "-e", "A=1", "img", "sh", "-c", "ls -l", "--rm", "-e");
        assertEquals("img", run.image);
        assertEquals(List.of("sh", "-c", "ls -l", "--rm", "-e"), run.command);
        assertEquals(List.of("A=1"), run.env);
        assertTrue(run.remove);
    }

    @Test
    void runFlagsBecomeARunSpec() throws Exception {
        RunCommand run = run("run", "-d", "--name", "web", "-w", "/srv", "-u", "app:app", "--entrypoint", "/bin/sh",
                "--label", "a=b", "--annotation", "x=y", "--read-only", "--cap-add", "NET_ADMIN", "--cap-drop", "chown",
                "--net", "host", "--runtime", "crun", "img", "-c", "true");
        run.parent = top;
        RunSpec s = run.toRunSpec();
        assertTrue(s.detach);
        assertEquals("web", s.name);
        assertEquals("/srv", s.workdir);
        assertEquals("app:app", s.user);
        assertEquals(List.of("/bin/sh"), s.entrypoint);
        assertEquals(List.of("-c", "true"), s.command);
        assertEquals(Map.of("a", "b"), s.labels);
        assertEquals(Map.of("x", "y"), s.annotations);
        assertTrue(s.readOnly);
        assertEquals("host", s.network.name());
        assertEquals("io.containerd.runc.v2", s.runtime);
        assertEquals("crun", s.runtimeBinary);
    }

    @Test
    void emptyEntrypointClearsIt() throws Exception {
        RunCommand run = run("run", "--entrypoint", "", "img", "echo");
        run.parent = top;
        assertEquals(List.of(), run.toRunSpec().entrypoint);
        RunCommand none = run("run", "img");
        none.parent = top;
        assertNull(none.toRunSpec().entrypoint);
    }

    @Test
    void badValuesAreOneLineErrorsBeforeAnythingIsMade() {
        for (String[] args : new String[][] {
                {"run", "--net", "bogus", "img"},
                {"run", "-p", "80:99999", "img"},
                {"run", "--cap-add", "CAP_FLY", "img"},
                {"run", "--pull", "sometimes", "img"},
                {"run", "--runtime", "gvisor", "img"},
                {"run", "--platform", "linux/amd64/v1/extra", "img"},
                {"run", "--security-opt", "apparmor=x", "img"},
                {"run", "--security-opt", "seccomp=/no/such/profile.json", "img"}}) {
            RunCommand run = run(args);
            run.parent = top;
            JnerdException e = assertThrows(JnerdException.class, run::toRunSpec, String.join(" ", args));
            assertEquals(125, e.exitCode());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void seccompIsOnByDefaultAndCanBeTurnedOff() throws Exception {
        RunCommand run = run("run", "img");
        run.parent = top;
        RunSpec on = run.toRunSpec();
        assertEquals("SCMP_ACT_ERRNO", on.seccomp.path("defaultAction").asText());
        assertTrue(on.noNewPrivileges);
        RunCommand off = run("run", "--security-opt", "seccomp=unconfined", "--security-opt", "no-new-privileges=false", "img");
        off.parent = top;
        RunSpec s = off.toRunSpec();
        assertNull(s.seccomp);
        assertFalse(s.noNewPrivileges);
    }

    @Test
    void capAddWidensTheSeccompProfileAndUserProfilesAreResolvedToo(@TempDir Path dir) throws Exception {
        RunCommand plain = run("run", "img");
        plain.parent = top;
        RunCommand ptrace = run("run", "--cap-add", "SYS_PTRACE", "img");
        ptrace.parent = top;
        assertFalse(plain.toRunSpec().seccomp.toString().contains("\"kcmp\""));
        assertTrue(ptrace.toRunSpec().seccomp.toString().contains("\"kcmp\""),
                "docker allows kcmp with CAP_SYS_PTRACE");

        // runc ignores includes: a conditional rule must be resolved before it reaches the spec.
        Path profile = dir.resolve("profile.json");
        Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                + "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                + "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
                + " \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}");
        RunCommand custom = run("run", "--security-opt", "seccomp=" + profile, "img");
        custom.parent = top;
        String spec = custom.toRunSpec().seccomp.toString();
        assertTrue(spec.contains("\"read\""), spec);
        assertFalse(spec.contains("\"mount\"") || spec.contains("includes"), spec);
    }

    @Test
    void publishNeedsAModeThatPublishes() throws Exception {
        RunCommand run = run("run", "--net", "none", "-p", "8080:80", "img");
        run.parent = top;
        RunSpec s = run.toRunSpec();
        assertEquals(1, s.ports.size());
        assertFalse(s.network.publishesPorts(), "none does not publish: the runner refuses -p with it");
    }

    @Test
    void slirp4netnsByDefaultAndNerdctlsAnnotationAsksForBypass4netns() throws Exception {
        RunCommand plain = run("run", "img");
        plain.parent = top;
        assertEquals("slirp4netns", plain.toRunSpec().network.name());
        RunCommand annotated = run("run", "--annotation", "nerdctl/bypass4netns=true", "img");
        annotated.parent = top;
        assertEquals("bypass4netns", annotated.toRunSpec().network.name());
        RunCommand labelled = run("run", "--label", "nerdctl/bypass4netns=1", "img");
        labelled.parent = top;
        assertEquals("bypass4netns", labelled.toRunSpec().network.name());
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        parse("-n", "before", "ps", "-a");
        assertEquals("before", top.global().namespace());
        parse("ps", "--namespace", "after", "--address", "/x.sock");
        assertEquals("after", top.global().namespace());
        assertEquals(Path.of("/x.sock"), top.global().socket());
    }

    @Test
    void unknownCommandAndMissingContainerdAreOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal t = new Terminal(new ByteArrayInputStream(new byte[0]), sink(), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("CONTAINERD_ADDRESS", "/nonexistent/containerd.sock"));
        assertEquals(125, Main.execute(t, "ps"));
        assertEquals("jnerd: cannot connect to containerd at /nonexistent/containerd.sock: is it running?\n",
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(125, Main.execute(t, "frobnicate"));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), err.toString(StandardCharsets.UTF_8));
    }

    private static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
