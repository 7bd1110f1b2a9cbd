package io.jnerd.cli.demo;

import io.jnerd.engine.rootless.JnerdLauncher;
import io.jnerd.engine.rootless.UnprivilegedUser;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The root half of {@code jnerd demo}: what an unprivileged user cannot do for itself
 * (packages, the demo user, /dev/net/tun, a test-host namespace with an iperf3 server),
 * then the rest as that user. The test host is removed afterwards, also on failure.
 */
final class DemoAsRoot {
    static final String USER = "jnerd-demo";
    static final int IPERF3_PORT = 5201;

    private DemoAsRoot() {}

    static int run(PrintStream out, int seconds) throws IOException, InterruptedException {
        PackageInstaller.installMissing(out);
        UnprivilegedUser user = UnprivilegedUser.ensure(USER, out);
        UnprivilegedUser.makeTunUsable(out);
        JnerdLauncher launcher = user.installJar(JnerdLauncher.current());
        try (TestHostNamespace testHost = TestHostNamespace.create()) {
            testHost.startIperf3(IPERF3_PORT);
            String target = testHost.address().getHostAddress() + ":" + IPERF3_PORT;
            out.println("test host: namespace " + testHost.name() + ", iperf3 server on " + target);
            out.println("running the rest as " + USER + " (uid " + user.uid() + ")");
            List<String> command = launcher.command();
            command.addAll(List.of("demo", "--target", target, "--seconds", Integer.toString(seconds)));
            Process p = new ProcessBuilder(user.asUser(command)).inheritIO()
                    .directory(user.runtimeDir().toFile()).start();
            return p.waitFor();
        }
    }
}
