package io.jnerd.netns;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link RootlessShapeTest} in a child JVM as an unprivileged user: what {@code jnerd
 * run} does rootless. {@code tun}: print the /dev/net/tun verdict. {@code attach MODE
 * STATEDIR DOCROOT}: a container stand-in in its own user+network namespace, the driver of
 * {@code --net=MODE} attached, a published port fetched from the host, detach. Prints what it saw; exit 0 on
 * success.
 */
public final class RootlessAttachMain {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("tun")) {
            try {
                TunDevice.requireUsable();
                System.out.println("tun usable");
            } catch (java.io.IOException e) {
                System.out.println(e.getMessage());
            }
            return;
        }
        NetworkMode mode = NetworkMode.parse(args[1]);
        Path state = Path.of(args[2]);
        Path docroot = Path.of(args[3]);
        Process holder = new ProcessBuilder("unshare", "-rn", "sleep", "60").start();
        Process httpd = null;
        try {
            Thread.sleep(300);
            NetworkAttachment attachment = ContainerNetworks.attach(mode, NetnsTarget.ofPid(holder.pid()),
                    PortMappingParser.parse("127.0.0.1::8080"), state).orElseThrow();
            String pid = Long.toString(holder.pid());
            httpd = new ProcessBuilder("nsenter", "-t", pid, "-U", "-n", "--preserve-credentials",
                    "busybox", "httpd", "-f", "-p", "8080", "-h", docroot.toString()).start();
            Process ip = new ProcessBuilder("nsenter", "-t", pid, "-U", "-n", "--preserve-credentials",
                    "ip", "-o", "-4", "addr", "show", "scope", "global").redirectErrorStream(true).start();
            System.out.println("interface: " + new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            int port = attachment.publishedPorts().get(0).hostPort();
            String body = null;
            for (int i = 0; i < 100 && body == null; i++) {
                try {
                    body = HttpProbe.get(new InetSocketAddress("127.0.0.1", port), "/index.html");
                } catch (java.io.IOException notYet) {
                    Thread.sleep(50);
                }
            }
            System.out.println("published: " + body);
            long driver = attachment.driverPid();
            attachment.close();
            System.out.println("driver alive after detach: "
                    + ProcessHandle.of(driver).map(ProcessHandle::isAlive).orElse(false));
            System.out.println("api socket left: " + Files.exists(state.resolve("slirp4netns.sock")));
            System.out.println("netns bind left: " + Files.exists(state.resolve("netns")));
        } finally {
            if (httpd != null) {
                httpd.destroyForcibly();
            }
            holder.destroyForcibly();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
