package io.jnerd.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnerd.proto.ContainerdAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jnerd bench --quick} for real: host and veth reference, iperf3 TCP out and the
 * 4-thread connect loop (netbench's threads), 1 s each, against a real test host.
 */
@Tag("privileged")
class BenchPrivilegedTest {

    @Test
    void quickRunWritesPositiveNumbersAndCleansUp(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ContainerdAddress.isRoot(), "needs root: creates network namespaces and veth pairs");
        System.setProperty("java.awt.headless", "true");
        Path out = dir.resolve("results");
        String[] args = {"--quick", "--modes", "host,veth", "--workloads", "iperf3-tcp-out,connect-4t",
            "--duration", "1",
            "--results", out.toString()};

        assertEquals(0, new CommandLine(new BenchCommand(args)).execute(args));

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        // iperf3-tcp-out, connect-4t-rate and connect-4t-single-rate, each in host and veth.
        assertEquals(6, json.get("results").size(), json.toString());
        for (JsonNode row : json.get("results")) {
            assertTrue(List.of("iperf3-tcp-out", "connect-4t-rate", "connect-4t-single-rate")
                    .contains(row.get("workload").asText()), row.toString());
            assertTrue(row.get("median").asDouble() > 0, row.toString());
        }
        assertTrue(json.get("notes").isEmpty(), "nothing skipped or failed: " + json.get("notes"));
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| host |") && md.contains("| veth |"), md);
        assertTrue(ImageIO.read(out.resolve("chart.png").toFile()).getWidth() > 0);
        String netns = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
        assertTrue(!netns.contains("jnerd-bref-"), "the reference namespace is gone: " + netns);
    }
}
