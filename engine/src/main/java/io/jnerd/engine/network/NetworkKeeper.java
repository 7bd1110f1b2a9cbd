package io.jnerd.engine.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * The network keeper's side ({@code jnerd network-keeper}, started by {@link KeeperNetwork}
 * for a detached run): makes the network of one container in this process and holds it
 * until the container's init exits, then tears it down, as a foreground {@code jnerd run}
 * does around its wait.
 *
 * <p>Talks to the {@code jnerd run -d} that started it in lines, over its stdin and stdout:
 * <pre>
 *   keeper: prepared           (the mode's prepare: /etc files, the bypass's agent socket)
 *   run:    attach PID         (task created; PID is the container's init)
 *   keeper: attached           (driver attached, ports published)
 *   run:    started            (task started: the network is the keeper's now)
 * </pre>
 * Instead of an answer the keeper may send {@code error MESSAGE} and exit. End of input
 * before {@code started} means the run failed: the keeper tears down what it made and exits.
 */
public final class NetworkKeeper {
    static final String PREPARED = "prepared";
    static final String ATTACH = "attach ";
    static final String ATTACHED = "attached";
    static final String STARTED = "started";
    static final String ERROR = "error ";

    private final NetworkAttacher mode;
    private final ContainerContext context;
    private final BufferedReader requests;
    private final PrintStream replies;
    private final PrintStream log;
    private final Runnable afterExit;
    private boolean initExited;

    /**
     * @param mode      the container's network mode, as jnerd run would make it
     * @param requests  the run's lines; {@code replies} go back to it
     * @param log       the keeper's log file
     * @param afterExit once the container's init exited and its network is down (the removal of {@code --rm})
     */
    public NetworkKeeper(NetworkAttacher mode, ContainerContext context, BufferedReader requests, PrintStream replies,
                         PrintStream log, Runnable afterExit) {
        this.mode = mode;
        this.context = context;
        this.requests = requests;
        this.replies = replies;
        this.log = log;
        this.afterExit = afterExit;
    }

    /** Keeps the network until the container ends or SIGTERM; 0 when it was handed over and torn down. */
    public int run() throws IOException {
        KeeperRecord.writeSelf(context.stateDir());
        try {
            int status = keep();
            if (initExited) {
                afterExit.run();
            }
            return status;
        } finally {
            KeeperRecord.remove(context.stateDir());
        }
    }

    private int keep() {
        try (NetworkAttacher.Attachment prepared = mode.prepare(context)) {
            reply(PREPARED);
            String attach = requests.readLine();
            if (attach == null || !attach.startsWith(ATTACH)) {
                log("jnerd run ended before the container's task was created: tearing down");
                return 1;
            }
            long pid = Long.parseLong(attach.substring(ATTACH.length()));
            try (ProcessExit init = ProcessExit.of(pid).orElseThrow(() ->
                    new IOException("the container's init (pid " + pid + ") is gone already"));
                 NetworkAttacher.Attachment net = mode.attach(context, (int) pid)) {
                reply(ATTACHED);
                if (!STARTED.equals(requests.readLine())) {
                    log("jnerd run failed after the network was attached: tearing down");
                    return 1;
                }
                replies.close();
                log("keeping --net " + mode.name() + " of container " + context.id() + " (init pid " + pid + ")");
                End end = awaitEnd(init);
                initExited = end.initExited();
                log(end.reason() + ": tearing down");
            }
            log("done");
            return 0;
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            reply(ERROR + message.replace('\n', ' '));
            log("failed: " + message);
            return 1;
        }
    }

    /**
     * Until the init exits (a pidfd polls readable), or SIGTERM/SIGINT ({@code rm} and
     * {@code stop} send it only to a keeper that outstays its container): either way the
     * caller's try-with-resources then tears the network down in order.
     */
    private End awaitEnd(ProcessExit init) {
        CompletableFuture<End> ended = new CompletableFuture<>();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> ended.complete(new End("SIG" + name, false)));
        }
        Thread watch = new Thread(() -> {
            try {
                init.await(null);
                ended.complete(new End("the container's init (pid " + init.pid() + ") exited", true));
            } catch (IOException e) {
                ended.complete(new End("watching the container's init failed (" + e.getMessage() + ")", false));
            }
        }, "init-exit-" + init.pid());
        watch.setDaemon(true);
        watch.start();
        return ended.join();
    }

    /** Why the keeper stops keeping. */
    private record End(String reason, boolean initExited) {
    }

    private void reply(String line) {
        replies.println(line);
        replies.flush();
    }

    private void log(String line) {
        log.println(Instant.now() + " network-keeper: " + line);
        log.flush();
    }
}
