package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Prctl;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.bpf.BpfProgram;
import io.jnerd.seccomp.bpf.FilterCompiler;
import io.jnerd.seccomp.bpf.SeccompAction;
import io.jnerd.seccomp.bpf.SeccompFilter;
import io.jnerd.seccomp.bpf.SyscallRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A thread that installs a filter notifying the given syscalls (everything else allowed) on
 * itself only, hands the listener out, then runs a workload and ends. Threads it starts
 * inherit the filter; when they have all ended, the listener hangs up.
 */
public final class FilteredThread {

    private final CompletableFuture<Fd> listener = new CompletableFuture<>();
    private final CompletableFuture<Void> go = new CompletableFuture<>();
    private final Thread thread;
    private volatile Throwable failure;

    /** Notifies {@code notified}, allows everything else. */
    public FilteredThread(Runnable workload, String... notified) {
        this(allowAllBut(notified), workload);
    }

    /** Runs {@code workload} under {@code program}, which must notify something to have a listener. */
    public FilteredThread(BpfProgram filter, Runnable workload) {
        byte[] program = filter.encode();
        thread = new Thread(() -> {
            try {
                Prctl.setNoNewPrivs();
                listener.complete(Seccomp.installWithListener(program, 0));
                go.get(10, TimeUnit.SECONDS);
                workload.run();
            } catch (Throwable t) {
                failure = t;
                listener.completeExceptionally(t);
            }
        }, "filtered-workload");
        thread.setDaemon(true);
        thread.start();
    }

    private static BpfProgram allowAllBut(String... notified) {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.allow());
        for (String name : notified) {
            b.rule(Arch.current(), SyscallTable.get().number(Arch.current(), name).orElseThrow(),
                    SyscallRule.always(SeccompAction.userNotif()));
        }
        return FilterCompiler.compile(b.build());
    }

    /** The listener (the caller owns it); the workload starts when {@link #run()} is called. */
    public Fd listener() throws Exception {
        return listener.get(10, TimeUnit.SECONDS);
    }

    public void run() {
        go.complete(null);
    }

    public void join() throws Throwable {
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new AssertionError("workload thread still running");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
