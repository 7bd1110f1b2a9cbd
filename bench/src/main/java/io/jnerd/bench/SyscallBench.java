package io.jnerd.bench;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Ioctls;
import io.jnerd.nativebindings.Native;
import io.jnerd.nativebindings.SysNr;
import io.jnerd.nativebindings.spi.SyscallBackend;
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
 * Nanoseconds per system call through each backend of the syscall SPI, both instantiated in
 * the same JVM: a call that succeeds (getppid) and one that fails and so reads errno (an
 * ioctl TCGETS on an eventfd, which is no terminal: ENOTTY). The cost of the kernel's own
 * work is the same for both, so the difference is the backends' overhead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SyscallBench {

    @Param({"ffm", "jnr"})
    public String backend;

    private SyscallBackend calls;
    private Fd eventFd;
    private int fd;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        calls = Native.available().stream().filter(b -> b.name().equals(backend)).findFirst()
                .orElseThrow(() -> new IllegalStateException("backend " + backend + " does not load on JDK "
                        + Runtime.version().feature() + " (ffm needs JDK >= 22)"));
        eventFd = EventFd.create(0, EventFd.EFD_CLOEXEC);
        fd = eventFd.get();
        if (calls.syscall(SysNr.IOCTL, fd, Ioctls.TCGETS, 0, 0, 0, 0) != -Errno.ENOTTY) {
            throw new IllegalStateException("ioctl(TCGETS) on an eventfd did not fail with ENOTTY");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eventFd.close();
    }

    @Benchmark
    public long getppid() {
        return calls.syscall(SysNr.GETPPID, 0, 0, 0, 0, 0, 0);
    }

    @Benchmark
    public long ioctlEnotty() {
        return calls.syscall(SysNr.IOCTL, fd, Ioctls.TCGETS, 0, 0, 0, 0);
    }
}
