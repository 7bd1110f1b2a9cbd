package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * docker's {@code --filter KEY=VALUE} for list commands: values of one key are alternatives
 * (any may match), different keys must all match. Which keys mean what is the command's.
 */
final class ListFilter<T> {
    private final Map<String, List<String>> byKey;
    private final Map<String, BiPredicate<T, String>> tests;

    private ListFilter(Map<String, List<String>> byKey, Map<String, BiPredicate<T, String>> tests) {
        this.byKey = byKey;
        this.tests = tests;
    }

    /** @throws JnerdException a filter without "=" or with a key not in {@code tests} */
    static <T> ListFilter<T> parse(List<String> filters, Map<String, BiPredicate<T, String>> tests) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new JnerdException("invalid filter \"" + f + "\": expected KEY=VALUE");
            }
            String key = f.substring(0, eq);
            if (!tests.containsKey(key)) {
                throw new JnerdException("invalid filter \"" + f + "\": jnerd filters by " + String.join(", ", new TreeSet<>(tests.keySet())));
            }
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(f.substring(eq + 1));
        }
        return new ListFilter<>(byKey, tests);
    }

    boolean has(String key) {
        return byKey.containsKey(key);
    }

    boolean matches(T item) {
        for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
            BiPredicate<T, String> test = tests.get(e.getKey());
            if (e.getValue().stream().noneMatch(v -> test.test(item, v))) {
                return false;
            }
        }
        return true;
    }

    /** docker's reference filter: a path.Match glob, {@code *} and {@code ?} not crossing a {@code /}. */
    static boolean glob(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            regex.append(ch == '*' ? "[^/]*" : ch == '?' ? "[^/]" : Pattern.quote(String.valueOf(ch)));
        }
        return text.matches(regex.toString());
    }

    /** docker's label filter: {@code label=KEY} (present) or {@code label=KEY=VALUE}. */
    static boolean label(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        if (eq < 0) {
            return labels.containsKey(filter);
        }
        return filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }
}
