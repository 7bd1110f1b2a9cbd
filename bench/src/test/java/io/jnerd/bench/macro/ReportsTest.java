package io.jnerd.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ratios, targets and the three outputs, on hand-made results. */
class ReportsTest {

    private static BenchResults sample() {
        BenchResults r = new BenchResults(List.of(Mode.HOST, Mode.VETH, Mode.SLIRP4NETNS, Mode.BYPASS4NETNS));
        for (double v : new double[] {10, 12, 11}) {
            r.add(Metric.IPERF_TCP_OUT, Mode.HOST, v);
        }
        for (double v : new double[] {2, 2.5, 1.5}) {
            r.add(Metric.IPERF_TCP_OUT, Mode.SLIRP4NETNS, v);
        }
        for (double v : new double[] {10.5, 9.5, 10}) {
            r.add(Metric.IPERF_TCP_OUT, Mode.BYPASS4NETNS, v);
        }
        r.add(Metric.CONNECT_RATE, Mode.HOST, 20000);
        r.add(Metric.CONNECT_RATE, Mode.BYPASS4NETNS, 5000);
        r.skipMode(Mode.VETH, "skipped: not root");
        r.environment("kernel", "6.18");
        return r;
    }

    @Test
    void ratiosAreMediansOfTheSameRun() {
        BenchResults r = sample();
        assertEquals(10.0 / 11, r.ratio(Metric.IPERF_TCP_OUT, Mode.BYPASS4NETNS, Mode.HOST).getAsDouble(), 1e-9);
        assertEquals(5.0, r.ratio(Metric.IPERF_TCP_OUT, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS).getAsDouble(), 1e-9);
        assertTrue(r.ratio(Metric.IPERF_TCP_OUT, Mode.VETH, Mode.HOST).isEmpty(), "no veth numbers, no ratio");
        assertTrue(r.ratio(Metric.CONNECT_RATE, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS).isEmpty(), "no baseline, no ratio");
    }

    @Test
    void targetsPassFailOrSayNotMeasured() {
        BenchResults r = sample();
        assertEquals(Target.Verdict.PASS, verdict(r, Metric.IPERF_TCP_OUT, Mode.HOST)); // 0.91 >= 0.9
        assertEquals(Target.Verdict.PASS, verdict(r, Metric.IPERF_TCP_OUT, Mode.SLIRP4NETNS)); // 5 >= 4
        assertEquals(Target.Verdict.FAIL, verdict(r, Metric.CONNECT_RATE, Mode.HOST)); // 0.25 < 0.5
        assertEquals(Target.Verdict.NOT_MEASURED, verdict(r, Metric.CONNECT_RATE, Mode.SLIRP4NETNS));
    }

    private static Target.Verdict verdict(BenchResults r, Metric metric, Mode baseline) {
        return Target.ISSUE_TARGETS.stream()
                .filter(t -> t.metric() == metric && t.baseline() == baseline)
                .findFirst().orElseThrow().verdict(r);
    }

    @Test
    void crossTargetsCompareTwoMetricsOfOneRun() throws Exception {
        BenchResults r = new BenchResults(List.of(Mode.HOST, Mode.BYPASS4NETNS));
        r.add(Metric.CLI_RUN_JNERD, Mode.HOST, 0.9);
        r.add(Metric.CLI_RUN_CTR, Mode.HOST, 0.3);
        r.add(Metric.CONNECT_4T_RATE, Mode.HOST, 40000);
        r.add(Metric.CONNECT_4T_RATE, Mode.BYPASS4NETNS, 12000);
        r.add(Metric.CONNECT_4T_SINGLE_RATE, Mode.HOST, 20000);
        r.add(Metric.CONNECT_4T_SINGLE_RATE, Mode.BYPASS4NETNS, 8000);
        List<CrossTarget> t = CrossTarget.ISSUE_TARGETS;
        assertEquals(3.0, t.get(0).quotient(r).getAsDouble(), 1e-9);
        assertEquals(Target.Verdict.PASS, t.get(0).verdict(r)); // 3.0 <= 3
        assertEquals(Target.Verdict.NOT_MEASURED, t.get(1).verdict(r)); // no ps numbers
        assertEquals(0.3 / 0.4, t.get(2).quotient(r).getAsDouble(), 1e-9);
        assertEquals(Target.Verdict.FAIL, t.get(2).verdict(r)); // 4 threads scale worse than the host's
        String md = MarkdownReport.render(r);
        assertTrue(md.contains("FAIL  connect+close bypass4netns/host, 4 threads over 1 thread (bypass4netns) = 0.75"
                + " (≥ the single thread's ratio)"), md);
        JsonNode cross = new ObjectMapper().readTree(JsonReport.render(r)).get("targets").get(Target.ISSUE_TARGETS.size());
        assertEquals("cli-start-jnerd-run", cross.get("workload").asText());
        assertEquals(3.0, cross.get("maxQuotient").asDouble(), 1e-9);
        assertEquals("PASS", cross.get("verdict").asText());
    }

    @Test
    void markdownHasARowPerMeasuredModeWithRatiosAndTheReasonsForTheRest() {
        String md = MarkdownReport.render(sample());
        assertTrue(md.contains("| bypass4netns | 10.0 | 9.50 – 10.5 | 3 | 0.91× | 5.00× |"), md);
        assertTrue(md.contains("| host | 11.0 | 10.0 – 12.0 | 3 | 1.00× | 5.50× |"), md);
        assertTrue(md.contains("| bypass4netns | 5000 | 5000 – 5000 | 1 | 0.25× | – |"), md);
        assertFalse(md.contains("| veth |"), md);
        assertTrue(md.contains("- veth: skipped: not root"), md);
        assertTrue(md.contains("FAIL  TCP connect+close: bypass4netns/host = 0.25 (≥ 0.40× host connect rate)"), md);
    }

    @Test
    void jsonCarriesSamplesMediansRatiosNotesAndVerdicts() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(sample()));
        JsonNode first = root.get("results").get(0);
        assertEquals("iperf3-tcp-out", first.get("workload").asText());
        assertEquals("host", first.get("mode").asText());
        assertEquals("Gbit/s", first.get("unit").asText());
        assertEquals(3, first.get("samples").size());
        assertEquals(11, first.get("median").asDouble(), 1e-9);
        assertEquals(1.0, first.get("ratios").get("host").asDouble(), 1e-9);
        assertEquals(5.5, first.get("ratios").get("slirp4netns").asDouble(), 1e-9);
        assertEquals("skipped: not root", root.get("notes").get("veth").asText());
        assertEquals("6.18", root.get("environment").get("kernel").asText());
        JsonNode connectVsSlirp = root.get("targets").get(5);
        assertEquals("connect-rate", connectVsSlirp.get("workload").asText());
        assertTrue(connectVsSlirp.get("ratio").isNull());
        assertEquals("NOT_MEASURED", connectVsSlirp.get("verdict").asText());
    }

    @Test
    void chartDrawsABarPerMeasuredModeInEachPanel() {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = BarChart.render(sample());
        assertTrue(img.getWidth() > 1000 && img.getHeight() > 100);
        // The longest bar of a panel (host's 11 Gbit/s median) is drawn in the host colour.
        int hostBarY = 40 + 26 + 9;
        assertEquals(0x4d4d4d, img.getRGB(10 + 110 + 5, hostBarY) & 0xffffff);
    }
}
