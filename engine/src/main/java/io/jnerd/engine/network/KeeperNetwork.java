package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.StateDirs;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A detached container's network for a mode that needs a process to hold it (slirp4netns and
 * pasta are stopped with their parent, the bypass's seccomp agent lives in jnerd), or for a
 * container that outlives its run in another way ({@code --rm}, a restart policy): the
 * resident network keeper ({@link NetworkKeeper}) does the mode's prepare and attach in its
 * process and holds the network until the container stays stopped.
 *
 * <p>The first run that needs the keeper starts it: this jnerd again as the hidden
 * {@code jnerd network-keeper}, under {@code setsid} (the terminal's hang-up and Ctrl-C do not
 * reach it) and under a watcher shell that starts it again when a signal kills it (the new
 * keeper takes the containers over). Its log is {@code keeper/KEY.log} under the state root.
 * One process for every detached container rather than one each: a JVM is 40-80 MB, a held
 * container in a resident one well under a megabyte. {@code jnerd stop} and {@code rm} tell it
 * first ({@link #stopping}), then wait for it through {@link KeeperRecord}.
 */
public final class KeeperNetwork implements NetworkAttacher {
    /** slirp4netns's ready timeout is 15 s; a JVM start on a loaded machine takes a few more. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ABORT_TIMEOUT = Duration.ofSeconds(20);

    private final NetworkAttacher kept;
    private final String keeperMain;
    private final Path containerdSocket;
    private final Path stateRoot;
    private final boolean remove;
    private ContainerContext context;
    private KeeperChannel keeper;
    private boolean handedOver;

    /**
     * @param kept             the container's mode
     * @param keeperMain       the class whose main runs {@code network-keeper}
     * @param containerdSocket the containerd the container is in (the keeper is per containerd)
     * @param stateRoot        jnerd's state root
     * @param remove           {@code run -d --rm}: the keeper also removes the container once it exited
     */
    public KeeperNetwork(NetworkAttacher kept, String keeperMain, Path containerdSocket, Path stateRoot,
                         boolean remove) {
        this.kept = kept;
        this.keeperMain = keeperMain;
        this.containerdSocket = containerdSocket;
        this.stateRoot = stateRoot;
        this.remove = remove;
    }

    /**
     * The keeper of a container that is started again ({@code jnerd start}, {@code restart}):
     * its mode from the flags its run recorded ({@link NetworkAttacher#keeperFlags()}).
     */
    public static KeeperNetwork forStart(List<String> flags, String keeperMain, Path containerdSocket,
                                         Path stateRoot) {
        NetworkAttacher mode;
        try {
            mode = KeeperRequest.mode(flags, line -> { });
        } catch (IllegalArgumentException e) {
            throw new JnerdException("the container's recorded network: " + e.getMessage());
        }
        return new KeeperNetwork(mode, keeperMain, containerdSocket, stateRoot, false);
    }

    /**
     * {@code jnerd stop} and {@code rm}, before the container is killed: the keeper holding it
     * (if one runs) must not start it again. Starts no keeper.
     */
    public static void stopping(Path containerdSocket, Path stateRoot, String namespace, String id) {
        KeeperSocket socket = new KeeperSocket(containerdSocket, stateRoot);
        try {
            Optional<KeeperChannel> running = socket.connectIfRunning();
            if (running.isEmpty()) {
                return;
            }
            try (KeeperChannel c = running.get()) {
                c.writeLine(NetworkKeeper.STOP + namespace + " " + id);
                String answer = c.readLine(STEP_TIMEOUT);
                if (!NetworkKeeper.OK.equals(answer)) {
                    throw new JnerdException("the network keeper answered \"" + answer + "\" to stop (see "
                            + socket.log() + ")");
                }
            }
        } catch (IOException e) {
            throw new JnerdException("telling the network keeper that " + id + " stops: " + e.getMessage(), e);
        }
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

    /** Asks the keeper (starting it if none runs) to prepare the mode for this container. */
    @Override
    public Attachment prepare(ContainerContext context) throws IOException {
        this.context = context;
        KeeperSocket socket = new KeeperSocket(containerdSocket, stateRoot);
        String request = KeeperRequest.of(context, kept, remove).toJson();
        keeper = socket.connect(command(socket), c -> {
            c.writeLine(NetworkKeeper.KEEP + request);
            expect(c, NetworkKeeper.PREPARED, socket);
            return c;
        });
        return this::abort;
    }

    @Override
    public Attachment attach(ContainerContext context, int pid) throws IOException {
        keeper.writeLine(NetworkKeeper.ATTACH + pid);
        expect(keeper, NetworkKeeper.ATTACHED, new KeeperSocket(containerdSocket, stateRoot));
        return this::abort;
    }

    /**
     * The task started: the keeper holds the network from now on; closing the attachments does nothing.
     *
     * @throws JnerdException when the keeper is gone (the run's clean-up follows)
     */
    public void handOver() {
        try {
            keeper.writeLine(NetworkKeeper.STARTED);
        } catch (IOException e) {
            throw new JnerdException("the network keeper went away before the container started (see "
                    + new KeeperSocket(containerdSocket, stateRoot).log() + ")");
        }
        keeper.close();
        handedOver = true;
    }

    /**
     * A failed run: end of input tells the keeper to tear down what it made for this
     * container; it closes the connection when done, so the run's own clean-up (task,
     * container) comes after the network's.
     */
    private void abort() {
        if (handedOver || keeper == null) {
            return;
        }
        keeper.endOutput();
        try {
            while (keeper.readLine(ABORT_TIMEOUT) != null) {
                // What it says while tearing down is in its log.
            }
        } catch (InterruptedIOException e) {
            // A keeper that hangs: the network dir goes below; its log says the rest.
        } catch (IOException e) {
            // It is gone: what it made went with it (slirp4netns with its --exit-fd).
        }
        keeper.close();
        keeper = null;
        StateDirs.delete(context.networkDir());
    }

    private static void expect(KeeperChannel keeper, String reply, KeeperSocket socket) throws IOException {
        String line;
        try {
            line = keeper.readLine(STEP_TIMEOUT);
        } catch (InterruptedIOException e) {
            throw new JnerdException("the network keeper did not answer within " + STEP_TIMEOUT.toSeconds() + " s (see "
                    + socket.log() + ")");
        }
        if (line == null) {
            throw new JnerdException("the network keeper closed the connection: " + socket.lastLine());
        }
        if (line.startsWith(NetworkKeeper.ERROR)) {
            throw new JnerdException(line.substring(NetworkKeeper.ERROR.length()));
        }
        if (!line.equals(reply)) {
            throw new JnerdException("the network keeper said \"" + line + "\" instead of \"" + reply + "\"");
        }
    }

    /**
     * The resident keeper under its watcher: this JVM's java and class path running
     * {@code jnerd network-keeper}, tuned for a process that stays (measured in
     * docs/benchmarks.md, "detached-rss"): Serial GC and a small heap that grows only when
     * needed, small thread stacks (a thread per held container), no perf data file. The JVM's
     * own output goes to the log. The watcher is {@code sh}: a few hundred KB that start the
     * keeper again when a signal ended it (SIGKILL, an OOM kill), not when it left idle.
     */
    private List<String> command(KeeperSocket socket) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new JnerdException("cannot tell this JVM's java binary to start the network keeper"));
        List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", WATCHER, "jnerd-keeper-watcher",
                java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(JVM_FLAGS);
        String backend = System.getProperty("jnerd.native");
        if (backend != null && !backend.isEmpty()) {
            cmd.add("-Djnerd.native=" + backend);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), keeperMain, "network-keeper",
                "--address=" + containerdSocket, "--state-root=" + stateRoot));
        return cmd;
    }

    /** Starts "$@" again while a signal ends it (status above 128), a second apart. */
    private static final String WATCHER = "while :; do \"$@\"; s=$?; [ \"$s\" -gt 128 ] || exit \"$s\"; "
            + "echo \"$(date -u +%FT%TZ) keeper watcher: the keeper died of signal $((s - 128)), starting another\"; "
            + "sleep 1; done";

    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx64m", "-Xss256k",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData",
            "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr");
}
