package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.seccomp.ContainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persisted bypass state: private, whole or not at all, and read back as untrusted input. */
class BypassStateFilesTest {

    @TempDir
    Path dir;

    private BypassState state(String id) {
        ContainerState container = new ContainerState("1.0.2", List.of("seccompFd"), 42, "",
                new ContainerState.State("1.0.2", "c1", "creating", 43, "/run/bundle", Map.of("a", "b")));
        return new BypassState(new BypassSpec(id, dir.resolve(id + ".sock").toString(), null, null,
                List.of(new PortSpec(List.of("tcp"), "", 8080, "", 80)), List.of("auto"), null),
                List.of(new BypassState.Listener("L." + id + ".x-1", container)),
                List.of(new BypassState.Bound("tcp", null, 8080, 80, 7, 1234), new BypassState.Bound("udp", "127.0.0.1", 53, 53, 8, 99)));
    }

    @Test
    void aStateIsWrittenPrivatelyWithNothingLeftBesideAndReadBackAsItWas() throws Exception {
        BypassStateFiles files = BypassStateFiles.forSocket(dir.resolve("bypass4netnsd.sock"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        BypassState s = state("web");
        files.write(s.without("none"));
        files.write(s);
        try (Stream<Path> all = Files.list(files.dir())) {
            assertEquals(List.of("web.json"), all.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir().resolve("web.json"))));
        assertEquals(List.of(s), files.readAll(line -> { }));
        assertEquals("127.0.0.1", files.readAll(line -> { }).get(0).boundSockets().get(1).port().hostIp().orElseThrow()
                .getHostAddress(), "a bound socket's mapping read back");
        files.delete("web");
        assertEquals(List.of(), files.readAll(line -> { }));
    }

    @Test
    void aFileThatWouldFailAsARequestIsSetAsideAndNotServed() throws Exception {
        BypassStateFiles files = BypassStateFiles.forSocket(dir.resolve("bypass4netnsd.sock"));
        files.write(state("good"));
        Path d = files.dir();
        Files.writeString(d.resolve("relative.json"), "{\"spec\":{\"id\":\"relative\",\"socketPath\":\"agent.sock\"},\"listeners\":[]}");
        Files.writeString(d.resolve("unknown.json"), "{\"spec\":{\"id\":\"unknown\",\"socketPath\":\"/a.sock\",\"evil\":1},\"listeners\":[]}");
        Files.writeString(d.resolve("renamed.json"), "{\"spec\":{\"id\":\"other\",\"socketPath\":\"/a.sock\"},\"listeners\":[]}");
        Files.writeString(d.resolve("badfd.json"), "{\"spec\":{\"id\":\"badfd\",\"socketPath\":\"/a.sock\"},"
                + "\"listeners\":[{\"fd\":\"a:b\",\"container\":{\"pid\":1}}]}");
        Files.writeString(d.resolve("torn.json"), "{\"spec\":{\"id\":\"torn\",");
        Files.writeString(d.resolve("badport.json"), "{\"spec\":{\"id\":\"badport\",\"socketPath\":\"/a.sock\"},"
                + "\"listeners\":[],\"bound\":[{\"protocol\":\"sctp\",\"hostPort\":80,\"containerPort\":80}]}");
        // Written by a bypassd before bound sockets were kept: read, with none.
        Files.writeString(d.resolve("older.json"), "{\"spec\":{\"id\":\"older\",\"socketPath\":\"/a.sock\"},\"listeners\":[]}");
        List<String> log = new ArrayList<>();
        List<BypassState> read = files.readAll(log::add);
        assertEquals(List.of("good", "older"), read.stream().map(s -> s.spec().id()).sorted().toList());
        assertEquals(6, log.size(), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("badport.json") && l.contains("sctp")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("relative.json") && l.contains("socketPath")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("unknown.json") && l.contains("evil")), log.toString());
        assertTrue(Files.exists(d.resolve("torn.json.rejected")));
        assertEquals(List.of("good", "older"), files.readAll(line -> { }).stream().map(s -> s.spec().id()).sorted().toList());
    }

    @Test
    void aStateDirOpenToOthersIsRefused() throws Exception {
        Path d = Files.createDirectory(dir.resolve("bypass4netnsd.sock.state"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> BypassStateFiles.forSocket(dir.resolve("bypass4netnsd.sock")));
        assertTrue(e.getMessage().contains("mode 0700"), e.getMessage());
    }
}
