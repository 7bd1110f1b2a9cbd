package io.jnerd.cli.command;

import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.version.VersionResponse;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code jnerd version}: the client's and containerd's versions, as docker prints them. */
@Command(name = "version", description = "Show the jnerd and containerd versions")
public final class VersionCommand extends ContainerdCommand {
    /** jnerd's own version, from the jar manifest when packaged. */
    public static String jnerdVersion() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** For {@code jnerd --version}, which needs no containerd. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jnerd " + jnerdVersion()};
        }
    }

    @Override
    int call(Containerd containerd) {
        VersionResponse v = containerd.version();
        PrintStream out = terminal().out();
        out.println("Client:");
        out.println(" Version:\t" + jnerdVersion());
        out.println(" Java:\t" + Runtime.version());
        out.println();
        out.println("Server:");
        out.println(" containerd:");
        out.println("  Version:\t" + v.getVersion());
        out.println("  GitCommit:\t" + v.getRevision());
        return 0;
    }
}
