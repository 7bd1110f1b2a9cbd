package io.jnerd.api;

import io.jnerd.http.HttpHandler;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.ServerLimits;
import io.jnerd.http.SystemdFds;
import io.jnerd.http.UnixHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@code jnerd daemon}: the Docker Engine API on a unix socket (the CLI's DaemonCommand runs it). */
public final class Daemon implements AutoCloseable {

    /** Connections served at once: the docker CLI opens a few per command, Testcontainers a pool. */
    static final int MAX_CONNECTIONS = 256;
    /** Bodies the daemon takes whole (container create, exec create). */
    static final int MAX_BODY = 16 * 1024 * 1024;
    /** Archives it reads as they come (docker load, docker cp's upload): spooled to disk or written into a container. */
    static final long MAX_ARCHIVE = 64L * 1024 * 1024 * 1024;
    static final int SD_LISTEN_FDS_START = SystemdFds.LISTEN_FDS_START;

    private final UnixHttpServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Daemon(UnixHttpServer server) {
        this.server = server;
    }

    /**
     * Serves on the socket systemd handed over (when {@code env} says so) or on {@code host}
     * ({@code unix://PATH}; null: the default for this user). {@code moreRoutes} adds the
     * endpoints of the front doors beyond the system ones (containers, images).
     */
    public static Daemon start(String host, Map<String, String> env, String version, Supplier<EngineSummary> engine,
            boolean debug, Consumer<String> log, Consumer<DockerApi> moreRoutes) throws IOException {
        DockerApi api = new DockerApi(version);
        new SystemRoutes(version, HostFacts.read(), engine).register(api.routes());
        moreRoutes.accept(api);
        HttpHandler handler = debug ? logged(api, log) : api;
        ServerLimits limits = ServerLimits.defaults(MAX_CONNECTIONS).withChunkedBodies(MAX_BODY)
                .withIdleTimeout(Duration.ofMinutes(5)).withStreamedBodies(DockerApi::streamsBody, MAX_ARCHIVE);
        if (activatedBySystemd(env)) {
            UnixHttpServer s = UnixHttpServer.adopt(SD_LISTEN_FDS_START, Path.of("/proc/self/fd/" + SD_LISTEN_FDS_START),
                    handler, limits, log);
            log.accept("jnerd daemon serving the socket systemd passed (fd " + SD_LISTEN_FDS_START + ")");
            return new Daemon(s);
        }
        Path socket = socketPath(host, env);
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        UnixHttpServer s = UnixHttpServer.start(socket, handler, limits, log);
        log.accept("jnerd daemon listening on unix://" + s.socket());
        return new Daemon(s);
    }

    /** LISTEN_PID names this process and LISTEN_FDS at least one socket (sd_listen_fds(3)). */
    static boolean activatedBySystemd(Map<String, String> env) {
        return SystemdFds.passed(env);
    }

    /** {@code unix://PATH}, or the default: /run/jnerd/docker.sock for root, else under XDG_RUNTIME_DIR. */
    public static Path socketPath(String host, Map<String, String> env) throws IOException {
        if (host != null) {
            if (!host.startsWith("unix://") || host.length() == "unix://".length()) {
                throw new IOException("--host " + host + ": only unix://PATH is served");
            }
            return Path.of(host.substring("unix://".length()));
        }
        if (isRoot()) {
            return Path.of("/run/jnerd/docker.sock");
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime == null || runtime.isEmpty()) {
            throw new IOException("XDG_RUNTIME_DIR is not set: set it to a 0700 directory you own, or pass --host unix://PATH");
        }
        return Path.of(runtime, "jnerd", "docker.sock");
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0");
            }
        }
        throw new IOException("no Uid line in /proc/self/status");
    }

    /** {@code --debug}: one line per request, with its answer's status. */
    private static HttpHandler logged(HttpHandler api, Consumer<String> log) {
        return request -> {
            HttpResponse response = api.handle(request);
            log.accept(request.method() + " " + request.path() + " -> " + response.status());
            return response;
        };
    }

    /**
     * {@code --group}: the socket becomes 0660 and owned by {@code group}, so its members can
     * use the daemon (as nerdctld's socket unit does). Group first, then the mode: the socket
     * is never readable by a group it was not meant for. The socket's directory (0700 when the
     * daemon made it) lets the group pass through, no more.
     */
    public void shareWith(String group) throws IOException {
        Path socket = server.socket();
        GroupPrincipal principal;
        try {
            principal = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("--group " + group + ": no such group");
        }
        Files.setAttribute(socket, "posix:group", principal);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        Path dir = socket.toAbsolutePath().getParent();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (!perms.contains(PosixFilePermission.GROUP_EXECUTE)) {
            Files.setAttribute(dir, "posix:group", principal);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(dir, perms);
        }
    }

    public Path socket() {
        return server.socket();
    }

    /** Blocks until {@link #close()}. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            stopped.countDown();
        }
    }
}
