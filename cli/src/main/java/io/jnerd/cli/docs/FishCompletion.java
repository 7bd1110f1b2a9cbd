package io.jnerd.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A fish completion script for a command tree: one {@code complete} line per subcommand
 * and per option, each guarded by the command path it belongs to (fish's
 * {@code __fish_seen_subcommand_from}). picocli generates bash only; fish cannot source it.
 */
public final class FishCompletion {
    private FishCompletion() {}

    public static String script(CommandLine root) {
        String name = root.getCommandName();
        StringBuilder s = new StringBuilder("# fish completion for ").append(name)
                .append(", generated from its command tree: ").append(name).append(" completion fish | source\n");
        s.append("complete -c ").append(name).append(" -f\n");
        walk(name, root, List.of(), s);
        return s.toString();
    }

    private static void walk(String program, CommandLine cmd, List<String> path, StringBuilder s) {
        Map<String, CommandLine> subs = visibleSubcommands(cmd);
        String here = condition(path, subs.keySet());
        for (Map.Entry<String, CommandLine> sub : subs.entrySet()) {
            s.append("complete -c ").append(program).append(" -n ").append(quote(here))
                    .append(" -a ").append(quote(sub.getKey()))
                    .append(" -d ").append(quote(firstLine(sub.getValue().getCommandSpec()))).append('\n');
        }
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            s.append("complete -c ").append(program).append(" -n ").append(quote(here));
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    s.append(" -l ").append(n.substring(2));
                } else if (n.length() == 2) {
                    s.append(" -s ").append(n.substring(1));
                } else {
                    s.append(" -o ").append(n.substring(1));
                }
            }
            if (o.arity().max() > 0) {
                // A value without a fixed list of candidates may be a path (-v, --cosign-key, ...).
                s.append(o.completionCandidates() == null ? " -rF" : " -r -a " + quote(candidates(o)));
            }
            String[] description = o.description();
            if (description.length > 0) {
                s.append(" -d ").append(quote(description[0]));
            }
            s.append('\n');
        }
        for (PositionalParamSpec p : cmd.getCommandSpec().positionalParameters()) {
            if (!p.hidden() && p.completionCandidates() != null) {
                s.append("complete -c ").append(program).append(" -n ").append(quote(here))
                        .append(" -a ").append(quote(candidates(p))).append('\n');
            }
        }
        for (Map.Entry<String, CommandLine> sub : subs.entrySet()) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(sub.getKey());
            walk(program, sub.getValue(), deeper, s);
        }
    }

    private static String candidates(ArgSpec arg) {
        List<String> values = new ArrayList<>();
        arg.completionCandidates().forEach(values::add);
        return String.join(" ", values);
    }

    /** Subcommands by their own name (picocli also lists each alias), hidden ones left out. */
    static Map<String, CommandLine> visibleSubcommands(CommandLine cmd) {
        Map<String, CommandLine> subs = new java.util.LinkedHashMap<>();
        cmd.getSubcommands().forEach((n, sub) -> {
            if (sub.getCommandName().equals(n) && !sub.getCommandSpec().usageMessage().hidden()) {
                subs.put(n, sub);
            }
        });
        return subs;
    }

    /**
     * True while the command line has reached {@code path} and none of its subcommands yet:
     * at the top, fish's {@code __fish_use_subcommand}; below, every word of the path seen.
     */
    private static String condition(List<String> path, java.util.Set<String> subcommands) {
        List<String> parts = new ArrayList<>();
        if (path.isEmpty()) {
            parts.add("__fish_use_subcommand");
        } else {
            path.forEach(p -> parts.add("__fish_seen_subcommand_from " + p));
            if (!subcommands.isEmpty()) {
                parts.add("not __fish_seen_subcommand_from " + String.join(" ", subcommands));
            }
        }
        return String.join("; and ", parts);
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0];
    }

    /** A fish single-quoted word: only backslash and the quote itself are special inside. */
    static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
