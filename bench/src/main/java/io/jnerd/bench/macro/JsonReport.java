package io.jnerd.bench.macro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * results.json: {@code environment}, one entry per (metric, mode) in {@code results} with
 * unit, samples, min/median/max and the ratios to host and slirp4netns, the {@code notes}
 * that say why something has no numbers, and the {@code targets} with their verdicts.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static String render(BenchResults results) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode env = root.putObject("environment");
        results.environment().forEach(env::put);
        ArrayNode modes = root.putArray("modes");
        results.modes().forEach(m -> modes.add(m.label()));
        ArrayNode rows = root.putArray("results");
        for (Metric metric : results.metrics()) {
            for (Mode mode : results.modes()) {
                Optional<Series> s = results.series(metric, mode);
                if (s.isEmpty()) {
                    continue;
                }
                ObjectNode row = rows.addObject();
                row.put("workload", metric.id());
                row.put("title", metric.title());
                row.put("mode", mode.label());
                row.put("unit", metric.unit());
                row.put("higherIsBetter", metric.higherIsBetter());
                ArrayNode samples = row.putArray("samples");
                s.get().samples().forEach(samples::add);
                row.put("min", s.get().min());
                row.put("median", s.get().median());
                row.put("max", s.get().max());
                ObjectNode ratios = row.putObject("ratios");
                putRatio(ratios, "host", results.ratio(metric, mode, Mode.HOST));
                putRatio(ratios, "slirp4netns", results.ratio(metric, mode, Mode.SLIRP4NETNS));
            }
        }
        ObjectNode notes = root.putObject("notes");
        for (Map.Entry<String, String> e : results.notes().entrySet()) {
            notes.put(e.getKey(), e.getValue());
        }
        ArrayNode targets = root.putArray("targets");
        for (Target t : Target.ISSUE_TARGETS) {
            ObjectNode o = targets.addObject();
            o.put("workload", t.metric().id());
            o.put("mode", t.mode().label());
            o.put("baseline", t.baseline().label());
            o.put("minRatio", t.minRatio());
            putRatio(o, "ratio", results.ratio(t.metric(), t.mode(), t.baseline()));
            o.put("verdict", t.verdict(results).name());
        }
        for (CrossTarget t : CrossTarget.ISSUE_TARGETS) {
            ObjectNode o = targets.addObject();
            o.put("workload", t.numerator().id());
            o.put("over", t.denominator().id());
            o.put("mode", t.mode().label());
            if (t.baseline() != null) {
                o.put("baseline", t.baseline().label());
            }
            o.put(t.atMost() ? "maxQuotient" : "minQuotient", t.limit());
            putRatio(o, "quotient", t.quotient(results));
            o.put("verdict", t.verdict(results).name());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("results.json: " + e.getMessage(), e);
        }
    }

    private static void putRatio(ObjectNode node, String key, OptionalDouble ratio) {
        if (ratio.isPresent()) {
            node.put(key, ratio.getAsDouble());
        } else {
            node.putNull(key);
        }
    }
}
