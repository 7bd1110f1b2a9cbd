package io.jnerd.bench;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Prctl;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SysNr;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.bpf.FilterCompiler;
import io.jnerd.seccomp.bpf.SeccompAction;
import io.jnerd.seccomp.bpf.SeccompFilter;
import io.jnerd.seccomp.bpf.SyscallRule;
import io.jnerd.seccomp.notify.NotificationHandler;
import io.jnerd.seccomp.notify.Supervisor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under every bypassed syscall: one getppid in a loop, (none) with no filter,
 * (allow) through a seccomp filter that allows it, (notify) through a filter that notifies
 * it to jnerd's {@link Supervisor}, which answers CONTINUE. Each value runs in its own fork,
 * and the filter is installed on the benchmark thread only (a Scope.Thread setup runs there),
 * so nothing else in the JVM is filtered.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SeccompNotifyBench {

    @Param({"none", "allow", "notify"})
    public String filter;

    private Supervisor supervisor;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (filter.equals("none")) {
            return;
        }
        SeccompAction action = filter.equals("notify") ? SeccompAction.userNotif() : SeccompAction.allow();
        byte[] program = FilterCompiler.compile(SeccompFilter.builder(SeccompAction.allow())
                .rule(Arch.current(), SysNr.GETPPID, SyscallRule.always(action))
                .build()).encode();
        Prctl.setNoNewPrivs();
        if (filter.equals("allow")) {
            Seccomp.install(program, 0);
            return;
        }
        supervisor = new Supervisor(NotificationHandler.CONTINUE);
        supervisor.supervise(new ContainerState("1.0.2", List.of(ContainerState.SECCOMP_FD_NAME),
                Processes.getpid(), "bench", null), Seccomp.installWithListener(program, 0));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (supervisor != null) {
            System.out.println("supervisor: " + supervisor.stats());
            supervisor.close();
        }
    }

    @Benchmark
    public int getppid() {
        return Processes.getppid();
    }
}
