package io.jnerd.cli.command;

import io.jnerd.cli.Glyphs;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.rootless.JnerdLauncher;
import io.jnerd.engine.rootless.RootlessContainerd;
import io.jnerd.engine.rootless.RootlessPaths;
import io.jnerd.engine.rootless.RootlessRequirements;
import io.jnerd.engine.rootless.UserUnits;
import io.jnerd.nativebindings.KernelFeatures;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jnerd rootless check|start|stop|status|install}: containerd for an ordinary user. */
@Command(name = "rootless", description = "Set up and run containerd for an unprivileged user",
        subcommands = {RootlessCommand.Check.class, RootlessCommand.Start.class, RootlessCommand.Stop.class,
            RootlessCommand.Status.class, RootlessCommand.Install.class})
public final class RootlessCommand extends Subcommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: check, start, stop, status or install");
    }

    /** Shared by the subcommands: the terminal and the user's rootless paths. */
    abstract static class Sub extends Subcommand implements Callable<Integer> {
        RootlessPaths paths() {
            return RootlessPaths.fromEnvironment(terminal().env());
        }
    }

    @Command(name = "check", description = "Check what rootless mode needs; exits 1 when something is missing")
    static final class Check extends Sub {
        @Override
        public Integer call() {
            PrintStream out = terminal().out();
            List<RootlessRequirements.Check> checks = new RootlessRequirements(System.getProperty("user.name"),
                    (int) io.jnerd.proto.ContainerdAddress.effectiveUid(), terminal().env()).run();
            Glyphs glyphs = terminal().glyphs();
            checks.forEach(c -> out.println(glyphs.mark(c.ok()) + " " + c.name() + (c.detail().isEmpty() ? "" : ": " + c.detail())));
            boolean kernelOk = true;
            for (KernelFeatures.Feature f : KernelFeatures.report()) {
                out.println(glyphs.mark(f.available()) + " kernel: " + f.name()
                        + (f.available() ? "" : ": " + f.reason()));
                kernelOk &= f.available();
            }
            return RootlessRequirements.allOk(checks) && kernelOk ? 0 : 1;
        }
    }

    @Command(name = "start", description = "Start containerd inside rootlesskit in the background")
    static final class Start extends Sub {
        @Override
        public Integer call() throws Exception {
            if (io.jnerd.proto.ContainerdAddress.isRoot()) {
                throw new JnerdException("rootless start is for an ordinary user: as root, use the system containerd "
                        + "(systemctl start containerd)");
            }
            RootlessContainerd.Status s = new RootlessContainerd(paths()).start();
            terminal().out().println("rootless containerd started: pid " + s.pid() + ", " + s.socket()
                    + ", log " + s.log());
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop rootless containerd and its containers")
    static final class Stop extends Sub {
        @Override
        public Integer call() throws Exception {
            boolean stopped = new RootlessContainerd(paths()).stop();
            terminal().out().println(stopped ? "rootless containerd stopped" : "rootless containerd was not running");
            return 0;
        }
    }

    @Command(name = "status", description = "Show pid, socket and uptime; exits 1 when not running")
    static final class Status extends Sub {
        @Override
        public Integer call() {
            RootlessPaths paths = paths();
            Optional<RootlessContainerd.Status> s = new RootlessContainerd(paths).status();
            if (s.isEmpty()) {
                terminal().out().println("rootless containerd is not running (start it: jnerd rootless start)");
                return 1;
            }
            terminal().out().println("running: pid " + s.get().pid() + ", socket " + s.get().socket()
                    + ", uptime " + s.get().uptime().toSeconds() + " s" + ", log " + s.get().log());
            return 0;
        }
    }

    @Command(name = "install", description = "Write systemd user units for rootless containerd and jnerd bypassd")
    static final class Install extends Sub {
        @Override
        public Integer call() throws Exception {
            Path home = Path.of(terminal().env().getOrDefault("HOME", System.getProperty("user.home")));
            List<Path> units = new UserUnits(home, String.join(" ", JnerdLauncher.current().command())).write();
            PrintStream out = terminal().out();
            units.forEach(u -> out.println("wrote " + u));
            out.println("enable them: systemctl --user daemon-reload && systemctl --user enable --now "
                    + UserUnits.CONTAINERD_UNIT + " " + UserUnits.BYPASSD_UNIT + " " + UserUnits.DAEMON_SOCKET);
            out.println("to keep them running without a login session, as root: loginctl enable-linger "
                    + System.getProperty("user.name"));
            return 0;
        }
    }
}
