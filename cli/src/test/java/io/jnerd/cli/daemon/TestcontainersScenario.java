package io.jnerd.cli.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * What a user's test does with Testcontainers, run in a JVM of its own by {@link TestcontainersTest}:
 * Testcontainers reads its settings once per JVM from the environment (DOCKER_HOST,
 * TESTCONTAINERS_RYUK_DISABLED, …), so each setting under test gets a fresh JVM, and the
 * user's own ~/.testcontainers.properties is never read nor written (user.home points elsewhere).
 * Prints one {@code key=value} line per fact the test checks; any failure exits non-zero.
 *
 * <p>args: IMAGE [copy] [network=MODE] [wait=log]: with {@code copy} the page is a file
 * Testcontainers copies in before start (PUT archive) and reads back (GET archive); without,
 * the container writes it. {@code wait=log} waits for the container's first log line instead
 * of the default strategy, whose check inside the container (an exec of grep /proc/net/tcp or
 * nc localhost PORT) cannot see a listener bypass4netns switched to a host socket.
 */
public final class TestcontainersScenario {

    public static final String PAGE = "a page for Testcontainers\n";

    private TestcontainersScenario() {}

    public static void main(String[] args) throws Exception {
        String image = args[0];
        List<String> options = List.of(args).subList(1, args.length);
        boolean copy = options.contains("copy");
        try (GenericContainer<?> web = new GenericContainer<>(image)) {
            String page = copy ? "" : "mkdir -p /www && echo '" + PAGE.strip() + "' > /www/index.html; ";
            web.withCommand("sh", "-c", page + "echo web starting; exec busybox httpd -f -p 8080 -h /www")
                    .withExposedPorts(8080);
            if (copy) {
                web.withCopyToContainer(Transferable.of(PAGE), "/www/index.html");
            }
            options.stream().filter(o -> o.startsWith("network=")).map(o -> o.substring("network=".length()))
                    .forEach(mode -> web.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withNetworkMode(mode)));
            if (options.contains("wait=log")) {
                web.waitingFor(Wait.forLogMessage(".*web starting.*", 1));
            }
            // The default wait strategy: the mapped port answers from the host and is listening inside (an exec).
            web.start();
            System.out.println("id=" + web.getContainerId());
            System.out.println("session=" + org.testcontainers.DockerClientFactory.SESSION_ID);
            System.out.println("host=" + web.getHost());
            System.out.println("page=" + fetch(web.getHost(), web.getMappedPort(8080)).strip());
            Container.ExecResult exec = web.execInContainer("sh", "-c", "cat /www/index.html; echo oops >&2; exit 3");
            System.out.println("exec.exit=" + exec.getExitCode());
            System.out.println("exec.stdout=" + exec.getStdout().strip());
            System.out.println("exec.stderr=" + exec.getStderr().strip());
            System.out.println("logs=" + String.join("|", web.getLogs().lines().toList()));
            if (copy) {
                System.out.println("copied.back=" + web.copyFileFromContainer("/www/index.html",
                        in -> new String(in.readAllBytes(), StandardCharsets.UTF_8)).strip());
            }
            web.stop();
            System.out.println("stopped=" + !web.isRunning());
        }
    }

    /** The page over plain HTTP/1.0 on loopback: what a test's client of the container does. */
    private static String fetch(String host, int port) throws IOException {
        try (InputStream in = URI.create("http://" + host + ":" + port + "/index.html").toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static List<String> expectedLines() {
        return List.of("page=" + PAGE.strip(), "exec.exit=3", "exec.stdout=" + PAGE.strip(), "exec.stderr=oops",
                "logs=web starting", "stopped=true");
    }
}
