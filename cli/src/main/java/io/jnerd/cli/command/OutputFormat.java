package io.jnerd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnerd.engine.JnerdException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker's {@code --format} for list commands and {@code inspect}. Not Go's text/template: a
 * small renderer of our own for what people put there: {@code {{.Field}}} (for inspect also
 * a path, {@code {{.State.Running}}}; an object or list is shown as JSON where Go would
 * print its own map syntax), {@code {{json .}}} (the whole row as one JSON object; a list
 * row's keys sorted as Go marshals a map), {@code {{json .Field}}}, the {@code table} prefix
 * (a header row, columns aligned) and the word {@code json} (one object a line). {@code \t}
 * and {@code \n} in the template are a tab and a newline. Anything else between braces, and
 * a field the rows do not have, is a one-line error naming it.
 */
final class OutputFormat {
    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final String PATH = "\\.([A-Za-z][A-Za-z0-9_]*(?:\\.[A-Za-z][A-Za-z0-9_]*)*)";
    private static final Pattern FIELD = Pattern.compile(PATH);
    private static final Pattern JSON_FIELD = Pattern.compile("json\\s+" + PATH);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One piece of a template: literal text, a field, the row as JSON or a field as JSON. */
    private record Piece(String text, String field, boolean json) {}

    private final boolean table;
    private final List<List<Piece>> cells;
    private final Map<String, String> headers;

    private OutputFormat(boolean table, List<List<Piece>> cells, Map<String, String> headers) {
        this.table = table;
        this.cells = cells;
        this.headers = headers;
    }

    /**
     * @param format   what --format said ("table" alone is the default table)
     * @param defaults the default table's template
     * @param headers  every field the rows have, with its column header; empty for inspect,
     *                 whose fields are paths into each object, checked as it is rendered
     */
    static OutputFormat parse(String format, String defaults, Map<String, String> headers) {
        if (format == null || format.isEmpty() || format.equals("table")) {
            format = defaults;
        } else if (format.equals("json")) {
            format = "{{json .}}";
        }
        String template = format.replace("\\t", "\t").replace("\\n", "\n");
        boolean table = template.startsWith("table ") || template.startsWith("table\t");
        if (table) {
            template = template.substring("table".length()).strip();
        }
        List<List<Piece>> cells = new ArrayList<>();
        for (String cell : table ? template.split("\t", -1) : new String[] {template}) {
            cells.add(pieces(cell, headers, format));
        }
        return new OutputFormat(table, cells, headers);
    }

    private static List<Piece> pieces(String template, Map<String, String> headers, String format) {
        List<Piece> pieces = new ArrayList<>();
        Matcher m = ACTION.matcher(template);
        int at = 0;
        while (m.find()) {
            pieces.add(new Piece(template.substring(at, m.start()), null, false));
            String action = m.group(1);
            Matcher field = FIELD.matcher(action);
            Matcher jsonField = JSON_FIELD.matcher(action);
            if (action.equals("json .")) {
                pieces.add(new Piece("", null, true));
            } else if (field.matches() || jsonField.matches()) {
                String name = field.matches() ? field.group(1) : jsonField.group(1);
                if (!headers.isEmpty() && !headers.containsKey(name)) {
                    throw new JnerdException("--format: unknown field ." + name + " (fields: ."
                            + String.join(", .", headers.keySet()) + ")");
                }
                pieces.add(new Piece("", name, jsonField.matches()));
            } else {
                throw new JnerdException("--format: unsupported template action {{" + action + "}} in \"" + format
                        + "\" (jnerd knows {{.Field}}, {{json .}}, {{json .Field}} and the table prefix)");
            }
            at = m.end();
        }
        pieces.add(new Piece(template.substring(at), null, false));
        return pieces;
    }

    /** Prints list rows: every value a string. */
    void print(PrintStream out, List<Map<String, String>> rows) {
        List<JsonNode> nodes = new ArrayList<>();
        rows.forEach(row -> nodes.add(JSON.valueToTree(new TreeMap<>(row))));
        printNodes(out, nodes);
    }

    /** Prints objects (inspect's), whose fields may be paths. */
    void printNodes(PrintStream out, List<JsonNode> rows) {
        if (!table) {
            rows.forEach(row -> out.println(render(cells.get(0), row)));
            return;
        }
        String[] header = new String[cells.size()];
        for (int i = 0; i < header.length; i++) {
            header[i] = header(cells.get(i));
        }
        List<String[]> lines = new ArrayList<>();
        for (JsonNode row : rows) {
            String[] line = new String[cells.size()];
            for (int i = 0; i < line.length; i++) {
                line[i] = render(cells.get(i), row);
            }
            lines.add(line);
        }
        Table.print(out, header, lines);
    }

    private String header(List<Piece> cell) {
        StringBuilder b = new StringBuilder();
        for (Piece p : cell) {
            b.append(p.field() != null ? headers.getOrDefault(p.field(), p.field().toUpperCase(Locale.ROOT)) : p.text());
        }
        return b.toString();
    }

    private static String render(List<Piece> cell, JsonNode row) {
        StringBuilder b = new StringBuilder();
        for (Piece p : cell) {
            if (p.field() != null) {
                JsonNode value = field(row, p.field());
                b.append(p.json() || value.isContainerNode() ? value.toString() : value.asText());
            } else if (p.json()) {
                b.append(row.toString());
            } else {
                b.append(p.text());
            }
        }
        return b.toString();
    }

    private static JsonNode field(JsonNode row, String path) {
        JsonNode node = row;
        for (String name : path.split("\\.")) {
            node = node.get(name);
            if (node == null) {
                throw new JnerdException("--format: unknown field ." + path);
            }
        }
        return node;
    }
}
