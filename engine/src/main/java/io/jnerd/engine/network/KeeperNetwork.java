package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.StateDirs;
import io.jnerd.netns.FreePorts;
import io.jnerd.netns.PortMapping;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A detached run's network for a mode that needs a process to hold it (slirp4netns and pasta
 * are stopped with their parent, the bypass's seccomp agent lives in jnerd): a network keeper
 * does the mode's prepare and attach in its own process and keeps the network until the
 * container's init exits, then tears it down ({@link NetworkKeeper}). For {@code -d --rm} a
 * keeper (of any mode) also removes the container after that.
 *
 * <p>The keeper is this jnerd started again as the hidden {@code jnerd network-keeper}, under
 * {@code setsid} (a session of its own: the terminal's hang-up and Ctrl-C do not reach it),
 * with its stderr in {@code network-keeper.log} in the container's state dir. A small JVM per
 * detached container, rather than a daemon every run would need started first: it needs no
 * set-up, dies with nothing else, and slirp4netns's {@code --exit-fd} still binds the driver
 * to its holder. Where bypassd answers, the keeper hands the bypass to it, as jnerd run does.
 * {@code jnerd stop} and {@code rm} wait for it through {@link KeeperRecord}.
 */
public final class KeeperNetwork implements NetworkAttacher {
    static final String LOG = "network-keeper.log";
    /** slirp4netns's ready timeout is 15 s; a JVM start on a loaded machine takes a few more. */
    private static final long STEP_TIMEOUT_SECONDS = 30;
    private static final long ABORT_TIMEOUT_SECONDS = 20;

    private final NetworkAttacher kept;
    private final String keeperMain;
    private final List<String> afterExitFlags;
    private ContainerContext context;
    private Process keeper;
    private BufferedReader replies;
    private PrintStream requests;
    private boolean handedOver;

    /**
     * @param kept a mode that {@link NetworkAttacher#needsJnerdRunning() needs jnerd running}
     * @param keeperMain the class whose main runs {@code network-keeper}
     */
    public KeeperNetwork(NetworkAttacher kept, String keeperMain) {
        this(kept, keeperMain, List.of());
    }

    private KeeperNetwork(NetworkAttacher kept, String keeperMain, List<String> afterExitFlags) {
        this.kept = kept;
        this.keeperMain = keeperMain;
        this.afterExitFlags = afterExitFlags;
    }

    /**
     * {@code run -d --rm}: the keeper (for any mode) also removes the container, its snapshot
     * and state once the init exited, as the foreground run's {@code --rm} does after its wait.
     */
    public static KeeperNetwork removingOnExit(NetworkAttacher kept, String keeperMain, Path containerdSocket,
                                               Path stateRoot) {
        return new KeeperNetwork(kept, keeperMain, List.of("--rm", "--address=" + containerdSocket, "--state-root=" + stateRoot));
    }

    @Override
    public String name() {
        return kept.name();
    }

    @Override
    public boolean publishesPorts() {
        return kept.publishesPorts();
    }

    /** Spec shaping starts nothing: done here, as for a foreground run. */
    @Override
    public void configure(ObjectNode spec, ContainerContext context) throws IOException {
        kept.configure(spec, context);
    }

    @Override
    public Optional<SeccompProfile> seccomp(Optional<SeccompProfile> profile, ContainerContext context) {
        return kept.seccomp(profile, context);
    }

    /** Starts the keeper, which prepares the mode; the state dir must exist (the keeper logs there). */
    @Override
    public Attachment prepare(ContainerContext context) throws IOException {
        this.context = context;
        Path log = context.stateDir().resolve(LOG);
        // In / as a daemon: a working directory it held would keep a file system busy.
        ProcessBuilder pb = new ProcessBuilder(command(context)).directory(new java.io.File("/"))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        keeper = pb.start();
        replies = new BufferedReader(new InputStreamReader(keeper.getInputStream(), StandardCharsets.UTF_8));
        requests = new PrintStream(keeper.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            expect(NetworkKeeper.PREPARED, log);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        return this::abort;
    }

    @Override
    public Attachment attach(ContainerContext context, int pid) {
        requests.println(NetworkKeeper.ATTACH + pid);
        expect(NetworkKeeper.ATTACHED, context.stateDir().resolve(LOG));
        return this::abort;
    }

    /**
     * The task started: the keeper holds the network from now on; closing the attachments does nothing.
     *
     * @throws JnerdException when the keeper is gone (the run's clean-up follows)
     */
    public void handOver() {
        requests.println(NetworkKeeper.STARTED);
        if (requests.checkError()) {
            throw new JnerdException("the network keeper exited before the container started (see "
                    + context.stateDir().resolve(LOG) + ")");
        }
        requests.close();
        handedOver = true;
    }

    /**
     * A failed run: end of input tells the keeper to tear down what it made; waits for it, so
     * the run's own clean-up (task, container) comes after the network's.
     */
    private void abort() {
        if (handedOver || keeper == null) {
            return;
        }
        requests.close();
        try {
            if (!keeper.waitFor(ABORT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                keeper.destroyForcibly();
                keeper.waitFor(ABORT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            keeper.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        keeper = null;
        // What a keeper that died before its tear-down left (a bypass in it died with it,
        // slirp4netns with its --exit-fd).
        StateDirs.delete(context.networkDir());
    }

    private void expect(String reply, Path log) {
        String line;
        try {
            line = CompletableFuture.supplyAsync(this::readReply).get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new JnerdException("the network keeper did not answer within " + STEP_TIMEOUT_SECONDS + " s (see " + log + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JnerdException("interrupted while waiting for the network keeper");
        } catch (ExecutionException e) {
            throw new JnerdException("reading the network keeper's answer: " + e.getCause().getMessage(), e.getCause());
        }
        if (line == null) {
            throw new JnerdException("the network keeper exited: " + lastLine(log));
        }
        if (line.startsWith(NetworkKeeper.ERROR)) {
            throw new JnerdException(line.substring(NetworkKeeper.ERROR.length()));
        }
        if (!line.equals(reply)) {
            throw new JnerdException("the network keeper said \"" + line + "\" instead of \"" + reply + "\"");
        }
    }

    private String readReply() {
        try {
            return replies.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * This JVM's java and class path running {@code jnerd network-keeper}. One stays per
     * detached container, so it is kept small: a small young generation (what a JVM touches
     * first), small stacks, C1 only unless it may host the bypass agent (which serves every
     * connect of the container: C2 makes that path about 1.7x faster, as bin/jnerd gives
     * bypass-hosting commands); about 51 MB PSS for slirp4netns here, 80 MB with the default
     * heap sizing. (bin/jnerd's class-data archive is not passed on: a stale one is
     * copied into anonymous memory, +22 MB, and start-up, about 0.3 s, was no faster with it.)
     * The JVM's own output goes to stderr, the log: HotSpot writes its warnings to stdout,
     * which is the answer channel.
     */
    private List<String> command(ContainerContext context) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new JnerdException("cannot tell this JVM's java binary to start the network keeper"));
        List<String> cmd = new ArrayList<>(List.of("setsid", java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xms16m", "-Xmn8m", "-Xmx64m", "-Xss512k",
                "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr"));
        if (!(kept instanceof BypassNetwork)) {
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        String backend = System.getProperty("jnerd.native");
        if (backend != null && !backend.isEmpty()) {
            cmd.add("-Djnerd.native=" + backend);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), keeperMain,
                "network-keeper", "-n", context.namespace()));
        cmd.addAll(kept.keeperFlags());
        cmd.addAll(afterExitFlags);
        for (PortMapping p : context.ports()) {
            // Any free port is chosen here, so the keeper's argument is a fixed docker -p value.
            cmd.add("--publish=" + FreePorts.resolve(p));
        }
        cmd.addAll(List.of("--id=" + context.id(), "--name=" + context.name(), "--hostname=" + context.hostname(),
                "--state-dir=" + context.stateDir(), "--network-dir=" + context.networkDir()));
        return cmd;
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "(no output in " + log + ")" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
