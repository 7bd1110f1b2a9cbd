package io.jnerd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.jnerd.cli.Glyphs;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docker's wording and --format for ps and images, without containerd. */
class PsFormatTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @ParameterizedTest
    @CsvSource({
        "0.4, Less than a second", "1, 1 second", "3, 3 seconds", "59, 59 seconds", "60, About a minute",
        "119, About a minute", "120, 2 minutes", "3599, 59 minutes", "5399, About an hour", "5400, 2 hours",
        "169200, 47 hours", "172800, 2 days", "1207000, 13 days", "1209599, 2 weeks", "1209600, 2 weeks", "5184000, 2 months",
        "63072000, 2 years"})
    void durationsAreWordedAsGoUnits(double seconds, String words) {
        assertEquals(words, Times.human(Duration.ofMillis((long) (seconds * 1000))));
    }

    @Test
    void statusAndCreatedAsDockerWordsThem() {
        Container created = container(Map.of(), NOW.minusSeconds(3), NOW.minusSeconds(3));
        assertEquals("3 seconds ago", Times.ago(created.getCreatedAt(), NOW));
        assertEquals("Created", PsCommand.status(Optional.empty(), created, NOW));
        assertEquals("created", PsCommand.state(Optional.empty(), created));

        Process running = Process.newBuilder().setStatus(Status.RUNNING).build();
        assertEquals("Up 3 seconds", PsCommand.status(Optional.of(running), created, NOW));
        assertEquals("running", PsCommand.state(Optional.of(running), created));

        Process stopped = Process.newBuilder().setStatus(Status.STOPPED).setExitStatus(3)
                .setExitedAt(ts(NOW.minusSeconds(150))).build();
        assertEquals("Exited (3) 2 minutes ago", PsCommand.status(Optional.of(stopped), created, NOW));

        Container restarted = container(Map.of(ContainerLabels.STARTED_AT, NOW.minusSeconds(5).toString()),
                NOW.minusSeconds(7200), NOW.minusSeconds(5));
        assertEquals("Up 5 seconds", PsCommand.status(Optional.of(running), restarted, NOW), "up since the last start");
        Container spoofed = container(Map.of(ContainerLabels.STARTED_AT, "soon"), NOW.minusSeconds(3), NOW);
        assertEquals("Up 3 seconds", PsCommand.status(Optional.of(running), spoofed, NOW), "a label run -l set");

        Container recorded = container(Map.of(ContainerLabels.EXIT_CODE, "0"), NOW.minusSeconds(7200),
                NOW.minusSeconds(90));
        assertEquals("Exited (0) About a minute ago", PsCommand.status(Optional.empty(), recorded, NOW));
        assertEquals("exited", PsCommand.state(Optional.empty(), recorded));
    }

    @Test
    void portsAreRenderedAsDockerDoes() {
        List<io.jnerd.netns.PortMapping> ports = new ArrayList<>(PortMappingParser.parse("8080:80"));
        ports.addAll(PortMappingParser.parse("127.0.0.1:5353:53/udp"));
        assertEquals("0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp", PsCommand.ports(ports));
        assertEquals("", PsCommand.ports(List.of()));
    }

    @Test
    void fieldsTableAndJson() {
        assertEquals("abc web\ndef db\n", print("{{.ID}} {{.Names}}"));
        assertEquals("abc\tUp 3 seconds\n", print("{{.ID}}\\t{{.Status}}").lines().findFirst().get() + "\n");
        assertEquals("CONTAINER ID   NAMES\nabc            web\ndef            db\n", print("table {{.ID}}\t{{.Names}}"));
        assertEquals("{\"ID\":\"abc\",\"Names\":\"web\",\"Status\":\"Up 3 seconds\"}\n",
                print("{{json .}}").lines().findFirst().get() + "\n");
        assertEquals(print("{{json .}}"), print("json"));
        assertEquals("\"web\"\n", print("{{json .Names}}").lines().findFirst().get() + "\n");
        assertEquals("STATUS\nUp 3 seconds\nExited (0) 2 minutes ago\n", print("table {{.Status}}"));
    }

    @Test
    void inspectPathsIntoObjects() throws Exception {
        com.fasterxml.jackson.databind.JsonNode object = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"Id\":\"abc\",\"State\":{\"Running\":true,\"Pid\":42},\"Config\":{\"Env\":[\"A=1\"]}}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputFormat.parse("{{.Id}} {{.State.Running}} {{.State.Pid}} {{.Config}} {{json .Config.Env}}", "", Map.of())
                .printNodes(new PrintStream(out, true, StandardCharsets.UTF_8), List.of(object));
        assertEquals("abc true 42 {\"Env\":[\"A=1\"]} [\"A=1\"]\n", out.toString(StandardCharsets.UTF_8));
        JnerdException missing = assertThrows(JnerdException.class, () -> OutputFormat.parse("{{.State.Nope}}", "",
                Map.of()).printNodes(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                List.of(object)));
        assertEquals("--format: unknown field .State.Nope", missing.getMessage());
    }

    @Test
    void unknownFieldsAndActionsAreOneLineNamingThem() {
        JnerdException field = assertThrows(JnerdException.class, () -> print("{{.Nope}}"));
        assertTrue(field.getMessage().startsWith("--format: unknown field .Nope (fields: .ID, .Names, .Status)"),
                field.getMessage());
        JnerdException action = assertThrows(JnerdException.class, () -> print("{{range .}}x{{end}}"));
        assertTrue(action.getMessage().contains("{{range .}}"), action.getMessage());
        assertFalse(action.getMessage().contains("\n"));
    }

    @Test
    void filtersAlternativesOfOneKeyAllKeys() {
        Map<String, java.util.function.BiPredicate<Map<String, String>, String>> tests = Map.of(
                "label", (row, v) -> ListFilter.label(row, v), "name", (row, v) -> row.get("name").equals(v));
        Map<String, String> row = Map.of("name", "web", "team", "a");
        assertTrue(ListFilter.parse(List.of("label=team"), tests).matches(row));
        assertTrue(ListFilter.parse(List.of("label=team=b", "label=team=a"), tests).matches(row));
        assertFalse(ListFilter.parse(List.of("label=team=a", "name=db"), tests).matches(row));
        JnerdException bad = assertThrows(JnerdException.class, () -> ListFilter.parse(List.of("colour=red"), tests));
        assertEquals("invalid filter \"colour=red\": jnerd filters by label, name", bad.getMessage());
        assertTrue(ListFilter.glob("busy*", "busybox"));
        assertTrue(ListFilter.glob("library/?lpine:3.*", "library/alpine:3.20"));
        assertFalse(ListFilter.glob("*", "library/alpine"), "a * does not cross a /");
    }

    @Test
    void asciiWhenTheLocaleIsNotUtf8() {
        assertTrue(Glyphs.of(Map.of("LANG", "C.UTF-8")).unicode());
        assertTrue(Glyphs.of(Map.of("LANG", "C", "LC_CTYPE", "en_US.utf8")).unicode());
        assertFalse(Glyphs.of(Map.of("LANG", "en_US.UTF-8", "LC_ALL", "C")).unicode(), "LC_ALL wins");
        assertTrue(Glyphs.of(Map.of("LANG", "de_DE.UTF-8", "LC_ALL", "")).unicode(), "an empty one is not set");
        Glyphs ascii = Glyphs.of(Map.of());
        assertEquals("...", ascii.ellipsis());
        assertEquals("[ok]", ascii.mark(true));
        assertEquals("[missing]", ascii.mark(false));
        assertEquals("✓", Glyphs.of(Map.of("LANG", "C.UTF-8")).mark(true));
    }

    private static String print(String format) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ID", "CONTAINER ID");
        headers.put("Names", "NAMES");
        headers.put("Status", "STATUS");
        List<Map<String, String>> rows = List.of(
                Map.of("ID", "abc", "Names", "web", "Status", "Up 3 seconds"),
                Map.of("ID", "def", "Names", "db", "Status", "Exited (0) 2 minutes ago"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputFormat.parse(format, "table {{.ID}}", headers).print(new PrintStream(out, true, StandardCharsets.UTF_8),
                rows);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Container container(Map<String, String> labels, Instant created, Instant updated) {
        return Container.newBuilder().setId("c").putAllLabels(labels).setCreatedAt(ts(created))
                .setUpdatedAt(ts(updated)).build();
    }

    private static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
    }
}
