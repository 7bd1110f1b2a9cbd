package io.jnerd.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    private static BenchSettings parse(String... args) throws Exception {
        BenchCommand c = new BenchCommand(args);
        CommandLine.populateCommand(c, args);
        return c.settings();
    }

    @Test
    void quickIsOneShortRepeatOfEverything() throws Exception {
        BenchSettings s = parse("--quick", "--results", "/tmp/x");
        assertEquals(1, s.repeats());
        assertEquals(2, s.seconds());
        assertEquals(List.of(Mode.values()), s.modes());
        assertEquals(List.of(Workload.values()), s.workloads());
        assertEquals(Path.of("/tmp/x"), s.resultsDir());
        assertEquals("jnerd bench --quick --results /tmp/x", s.commandLine());
    }

    @Test
    void explicitModesWorkloadsAndCounts() throws Exception {
        BenchSettings s = parse("--modes", "host,bypass4netns", "--workloads", "iperf3-tcp-out,connect", "--repeats", "5",
                "--duration", "3", "--target", "10.9.8.7");
        assertEquals(List.of(Mode.HOST, Mode.BYPASS4NETNS), s.modes());
        assertEquals(List.of(Workload.IPERF_TCP_OUT, Workload.CONNECT), s.workloads());
        assertEquals(5, s.repeats());
        assertEquals(3, s.seconds());
        assertEquals("10.9.8.7", s.target().getHostAddress());
    }

    @Test
    void badInputIsOneLineNamingIt() {
        assertEquals("unknown mode 'docker' (host, veth, slirp4netns, pasta, bypass4netns)",
                assertThrows(IllegalArgumentException.class, () -> parse("--modes", "docker")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--workloads", "fio"));
        assertEquals("--repeats must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> parse("--repeats", "0")).getMessage());
        assertEquals("--target must be an IP address, not 'example.com'",
                assertThrows(IllegalArgumentException.class, () -> parse("--target", "example.com")).getMessage());
    }
}
