package io.jnerd.cli.docs;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import io.jnerd.cli.command.VersionCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages in roff (man(7) macros) for every visible command and subcommand: {@code jnerd.1},
 * {@code jnerd-run.1}, {@code jnerd-rootless-check.1}, ... Written from picocli's model
 * directly: picocli-codegen's generator writes AsciiDoc, which would need asciidoctor (Ruby)
 * at build to become roff. The release archive runs {@link #main} at build.
 */
public final class ManPages {
    private static final int SYNOPSIS_WIDTH = 4000;

    private ManPages() {}

    /** {@code ManPages DIR}: writes the pages into DIR (created if missing) and lists them. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTPUT_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        for (Path page : write(Main.commandLine(new JnerdCommand()), dir)) {
            System.out.println(page);
        }
    }

    /** Writes one page per visible command under {@code root}; returns the files. */
    public static List<Path> write(CommandLine root, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        walk(root, dir, written);
        return written;
    }

    private static void walk(CommandLine cmd, Path dir, List<Path> written) throws IOException {
        Path file = dir.resolve(pageName(cmd.getCommandSpec()) + ".1");
        Files.writeString(file, page(cmd), StandardCharsets.UTF_8);
        written.add(file);
        for (CommandLine sub : FishCompletion.visibleSubcommands(cmd).values()) {
            walk(sub, dir, written);
        }
    }

    /** {@code jnerd-rootless-check}: the qualified name, words joined by dashes (as git's and docker's pages). */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    static String page(CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        String name = pageName(spec);
        StringBuilder s = new StringBuilder();
        s.append(".\\\" Generated from jnerd's command tree (io.jnerd.cli.docs.ManPages); do not edit.\n");
        s.append(".TH \"").append(name.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"jnerd ")
                .append(VersionCommand.jnerdVersion()).append("\" \"jnerd Manual\"\n");
        s.append(".SH NAME\n").append(text(name)).append(" \\- ").append(text(firstLine(spec))).append('\n');
        // Left-aligned, no hyphenation: an option split at a hyphen would read as two.
        s.append(".SH SYNOPSIS\n.nh\n.ad l\n").append(text(synopsis(spec))).append("\n.ad\n.hy\n");
        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            s.append(".SH DESCRIPTION\n");
            for (String line : description) {
                s.append(text(line)).append('\n');
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            s.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                s.append(".TP\n\\fI").append(text(p.paramLabel())).append("\\fR\n");
                describe(p, s);
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            s.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                s.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + text(n) + "\\fR");
                }
                s.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    s.append("=\\fI").append(text(o.paramLabel())).append("\\fR");
                }
                s.append('\n');
                describe(o, s);
            }
        }
        Map<String, CommandLine> subs = FishCompletion.visibleSubcommands(cmd);
        if (!subs.isEmpty()) {
            s.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> sub : subs.entrySet()) {
                s.append(".TP\n\\fB").append(text(sub.getKey())).append("\\fR\n")
                        .append(text(firstLine(sub.getValue().getCommandSpec()))).append(" (see \\fB")
                        .append(text(pageName(sub.getValue().getCommandSpec()))).append("\\fR(1))\n");
            }
        }
        for (String line : spec.usageMessage().footer()) {
            if (!line.isBlank()) {
                s.append(".PP\n").append(text(line)).append('\n');
            }
        }
        List<String> seeAlso = new ArrayList<>();
        if (spec.parent() != null) {
            seeAlso.add("\\fB" + text(pageName(spec.parent())) + "\\fR(1)");
        }
        subs.values().forEach(sub -> seeAlso.add("\\fB" + text(pageName(sub.getCommandSpec())) + "\\fR(1)"));
        if (!seeAlso.isEmpty()) {
            s.append(".SH SEE ALSO\n").append(String.join(", ", seeAlso)).append('\n');
        }
        return s.toString();
    }

    /**
     * picocli's synopsis on one line, for roff to fill: asked for at a width no synopsis
     * reaches, since picocli's own wrapping at 80 columns breaks inside an option's label.
     */
    private static String synopsis(CommandSpec spec) {
        int width = spec.usageMessage().width();
        spec.usageMessage().width(SYNOPSIS_WIDTH);
        try {
            return new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).synopsis(0).strip();
        } finally {
            spec.usageMessage().width(width);
        }
    }

    private static void describe(ArgSpec arg, StringBuilder s) {
        String[] lines = arg.description();
        if (lines.length == 0) {
            s.append(".br\n");
        }
        for (String line : lines) {
            s.append(text(line)).append('\n');
        }
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0];
    }

    /**
     * One line of running text for roff: a backslash is {@code \e}, every hyphen {@code \-}
     * (an ASCII minus, so options copy and paste as typed), and a line that would start
     * with a control character ({@code .} or {@code '}) is guarded by {@code \&}.
     */
    static String text(String line) {
        String t = line.replace("\\", "\\e").replace("-", "\\-").replace("\n", " ");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
