package io.jnerd.cli.warm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Main;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServedCommandsTest {
    private static boolean served(String line, Map<String, String> env) {
        return ServedCommands.served(Main.commandLine(new JnerdCommand()), List.of(line.split(" ")), env);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ps -a | true",
        "-n other ps | true",
        "ps --address /run/x.sock | true",
        "images | true",
        "version | true",
        "rm -f c1 | true",
        "logs -f c1 | true",
        "run --rm --net=none img true | true",
        "run --rm -i --network host img sh | true",
        "run --help | true",
        "ps --no-such-flag | true",
        // A network driver, mounts, a TTY or a detached keeper: a process of their own.
        "run --rm img true | false",
        "run --rm --net=slirp4netns img true | false",
        "run --rm --net=none -t img sh | false",
        "run --rm --net=none -d img sleep 1 | false",
        "run --rm --net=none -v /a:/b img true | false",
        "run --rm --net=none --env-file e img true | false",
        "run --rm --net=none --security-opt seccomp=p.json img true | false",
        "run --rm --net=none --label nerdctl/bypass4netns=true img true | false",
        "run --rm --net=none img echo bypass4netns | true",
        // Paths against the client's directory, and what is not a short command.
        "ps --address rel.sock | false",
        "-H rel.sock ps | false",
        "load -i image.tar | false",
        "pull alpine | false",
        "daemon | false",
        "bypassd | false",
        "cli-server | false",
        "rootless check | false",
        "container prune -f | false",
    })
    void servesShortCommandsThatNeedNothingOfTheProcess(String line, boolean expected) {
        assertEquals(expected, served(line, Map.of("PATH", "/bin")), line);
    }

    @ParameterizedTest
    @CsvSource({"JNERD_STATE_DIR, state", "CONTAINERD_ADDRESS, c.sock", "DOCKER_CONFIG, .docker", "HOME, ."})
    void declinesARelativePathInTheEnvironment(String name, String value) {
        assertEquals(false, served("ps", Map.of(name, value)));
        assertEquals(true, served("ps", Map.of(name, "/abs/" + value)));
    }
}
