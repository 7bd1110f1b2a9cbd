package io.jnerd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.RunSpec;
import io.jnerd.seccomp.profile.ProfileJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        RunSpec s = run.toRunSpec();
        assertTrue(s.detach());
        assertEquals(Optional.of("web"), s.name());
        assertEquals(Optional.of("/srv"), s.workdir());
        assertEquals(Optional.of("app:app"), s.user());
        assertEquals(Optional.of(List.of("/bin/sh")), s.entrypoint());
        assertEquals(List.of("-c", "true"), s.command());
        assertEquals(Map.of("a", "b"), s.labels());
        assertEquals(Map.of("x", "y"), s.annotations());
        assertTrue(s.readOnly());
        assertEquals("host", s.network().name());
        assertEquals("io.containerd.runc.v2", s.runtime());
        assertEquals(Optional.of("crun"), s.runtimeBinary());
    }

    @Test
    void emptyEntrypointClearsIt() throws Exception {
        RunCommand run = run("run", "--entrypoint", "", "img", "echo");
        assertEquals(Optional.of(List.of()), run.toRunSpec().entrypoint());
        RunCommand none = run("run", "img");
        assertEquals(Optional.empty(), none.toRunSpec().entrypoint());
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
            JnerdException e = assertThrows(JnerdException.class, run::toRunSpec, String.join(" ", args));
            assertEquals(125, e.exitCode());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void seccompIsOnByDefaultAndCanBeTurnedOff() throws Exception {
        RunCommand run = run("run", "img");
        RunSpec on = run.toRunSpec();
        assertEquals("SCMP_ACT_ERRNO", on.seccomp().orElseThrow().defaultAction());
        assertTrue(on.noNewPrivileges());
        RunCommand off = run("run", "--security-opt", "seccomp=unconfined", "--security-opt", "no-new-privileges=false", "img");
        RunSpec s = off.toRunSpec();
        assertEquals(Optional.empty(), s.seccomp());
        assertFalse(s.noNewPrivileges());
    }

    @Test
    void capAddWidensTheSeccompProfileAndUserProfilesAreResolvedToo(@TempDir Path dir) throws Exception {
        RunCommand plain = run("run", "img");
        RunCommand ptrace = run("run", "--cap-add", "SYS_PTRACE", "img");
        assertFalse(seccompJson(plain).contains("\"kcmp\""));
        assertTrue(seccompJson(ptrace).contains("\"kcmp\""),
                "docker allows kcmp with CAP_SYS_PTRACE");

        // runc ignores includes: a conditional rule must be resolved before it reaches the spec.
        Path profile = dir.resolve("profile.json");
        Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                + "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                + "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
                + " \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}");
        RunCommand custom = run("run", "--security-opt", "seccomp=" + profile, "img");
        String spec = seccompJson(custom);
        assertTrue(spec.contains("\"read\""), spec);
        assertFalse(spec.contains("\"mount\"") || spec.contains("includes"), spec);
    }

    private static String seccompJson(RunCommand run) throws Exception {
        return ProfileJson.toTree(run.toRunSpec().seccomp().orElseThrow()).toString();
    }

    @Test
    void publishNeedsAModeThatPublishes() throws Exception {
        RunCommand none = run("run", "--net", "none", "-p", "8080:80", "img");
        JnerdException e = assertThrows(JnerdException.class, none::toRunSpec);
        assertEquals("-p needs a network mode that publishes ports, not --net none", e.getMessage());
        RunCommand slirp = run("run", "-p", "8080:80", "img");
        assertEquals(1, slirp.toRunSpec().ports().size());
    }

    @Test
    void slirp4netnsByDefaultAndNerdctlsAnnotationAsksForBypass4netns() throws Exception {
        RunCommand plain = run("run", "img");
        assertEquals("slirp4netns", plain.toRunSpec().network().name());
        RunCommand annotated = run("run", "--annotation", "nerdctl/bypass4netns=true", "img");
        assertEquals("bypass4netns", annotated.toRunSpec().network().name());
        RunCommand labelled = run("run", "--label", "nerdctl/bypass4netns=1", "img");
        assertEquals("bypass4netns", labelled.toRunSpec().network().name());
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
