package io.jnerd.cli.command;

import io.jnerd.cli.ErrorReporter;
import io.jnerd.netns.bypassd.BypassdSocket;
import io.jnerd.engine.network.NetworkAvailability;
import io.jnerd.nativebindings.KernelFeatures;
import io.jnerd.nativebindings.Native;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.proto.containerd.introspection.Plugin;
import io.jnerd.proto.containerd.introspection.PluginsRequest;
import io.jnerd.proto.containerd.version.VersionResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code jnerd info}: the client (native backend), containerd (its runtimes and
 * snapshotters, rootless or not) and the host's kernel features. Like docker info, the
 * client and host parts are shown even when containerd cannot be reached; the exit status
 * is then 1.
 */
@Command(name = "info", description = "Show system-wide information")
public final class InfoCommand extends Subcommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        PrintStream out = global().terminal().out();
        out.println("Client:");
        out.println(" Version:\t" + VersionCommand.jnerdVersion());
        out.println(" Java:\t" + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        out.println(" Native backend:\t" + Native.backend().name() + " (" + Native.reason() + ")");
        out.println();
        out.println("Server:");
        boolean reached;
        try (Containerd containerd = global().connect()) {
            server(out, containerd);
            reached = true;
        } catch (RuntimeException | IOException e) {
            out.println(" Error:\t" + ErrorReporter.describe(e));
            reached = false;
        }
        out.println();
        host(out);
        return reached ? 0 : 1;
    }

    private void server(PrintStream out, Containerd containerd) throws IOException {
        VersionResponse v = containerd.version();
        out.println(" Address:\t" + containerd.socket());
        out.println(" Namespace:\t" + containerd.namespace());
        out.println(" containerd:\t" + v.getVersion() + " (" + v.getRevision() + ")");
        out.println(" Rootless:\t" + !ContainerdAddress.isRoot());
        out.println(" Default snapshotter:\t" + global().snapshotter());
        for (Plugin p : containerd.introspection().plugins(PluginsRequest.getDefaultInstance()).getPluginsList()) {
            if (p.getType().equals("io.containerd.snapshotter.v1") || p.getType().equals("io.containerd.runtime.v2")) {
                String kind = p.getType().equals("io.containerd.snapshotter.v1") ? "Snapshotter" : "Runtime";
                String state = p.hasInitErr() ? "unavailable: " + p.getInitErr().getMessage() : "ok";
                out.println(" " + kind + " " + p.getId() + ":\t" + state);
            }
        }
    }

    private void host(PrintStream out) throws IOException {
        out.println("Host:");
        out.println(" Kernel:\t" + KernelFeatures.sysctl(Path.of("/proc/sys/kernel/osrelease")));
        out.println(" Cgroups:\t" + cgroupMode());
        out.println(" Features:");
        for (KernelFeatures.Feature f : KernelFeatures.report()) {
            out.println("  " + f.name() + ":\t" + (f.available() ? "yes" : "no") + " (" + f.reason() + ")");
        }
        out.println(" Network modes (--net):");
        for (NetworkAvailability.Mode m : NetworkAvailability.report(
                BypassdSocket.find(global().terminal().env(), ContainerdAddress.isRoot()))) {
            out.println("  " + m.name() + ":\t" + (m.available() ? "yes" : "no") + " (" + m.reason() + ")");
        }
    }

    /** unified (cgroup v2 only), hybrid (v1 controllers plus a cgroup2 mount), or legacy (v1 only). */
    private static String cgroupMode() throws IOException {
        if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return "unified (v2)";
        }
        return Files.exists(Path.of("/sys/fs/cgroup/unified")) ? "hybrid (v1 + v2)" : "legacy (v1)";
    }
}
