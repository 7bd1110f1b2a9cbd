package io.jnerd.cli.command;

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
import picocli.CommandLine.Command;

/** {@code jnerd info}: containerd, its runtimes and snapshotters, rootless or not, the native backend, the kernel. */
@Command(name = "info", description = "Show system-wide information")
public final class InfoCommand extends ContainerdCommand {
    @Override
    int call(Containerd containerd) throws IOException {
        PrintStream out = terminal().out();
        VersionResponse v = containerd.version();
        out.println("Client:");
        out.println(" Version:\t" + VersionCommand.jnerdVersion());
        out.println(" Java:\t" + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        out.println(" Native backend:\t" + Native.backend().getClass().getSimpleName() + " (" + Native.reason() + ")");
        out.println();
        out.println("Server:");
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
        out.println();
        out.println("Host:");
        out.println(" Kernel:\t" + read("/proc/sys/kernel/osrelease"));
        out.println(" Cgroups:\t" + cgroupMode());
        out.println(" Features:");
        for (KernelFeatures.Feature f : KernelFeatures.report()) {
            out.println("  " + f.name() + ":\t" + (f.available() ? "yes" : "no") + " (" + f.reason() + ")");
        }
        return 0;
    }

    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path)).trim();
    }

    /** unified (cgroup v2 only), hybrid (v1 controllers plus a cgroup2 mount), or legacy (v1 only). */
    private static String cgroupMode() throws IOException {
        if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return "unified (v2)";
        }
        return Files.exists(Path.of("/sys/fs/cgroup/unified")) ? "hybrid (v1 + v2)" : "legacy (v1)";
    }
}
