package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PortMappingParserTest {

    private static PortMapping one(String spec) {
        List<PortMapping> all = PortMappingParser.parse(spec);
        assertEquals(1, all.size(), spec);
        return all.get(0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "80                    | 0:80/tcp",
        "8080:80               | 8080:80/tcp",
        "8080:80/udp           | 8080:80/udp",
        "8080:80/TCP           | 8080:80/tcp",
        "127.0.0.1:8080:80     | 127.0.0.1:8080:80/tcp",
        "127.0.0.1::80         | 127.0.0.1:0:80/tcp",
        ":8080:80              | 8080:80/tcp",
        "[::1]:8080:80/udp     | [::1]:8080:80/udp",
        "[fd00::0:1]::53/udp   | [fd00::1]:0:53/udp",
    })
    void docker_grammar(String spec, String expected) {
        assertEquals(expected, one(spec.trim()).toString());
    }

    @Test
    void rangesExpandPairwise() {
        List<PortMapping> all = PortMappingParser.parse("8000-8002:80-82/udp");
        assertEquals(3, all.size());
        assertEquals("8002:82/udp", all.get(2).toString());
        assertEquals(2, PortMappingParser.parse("80-81").size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "8080:http          | invalid port mapping \"8080:http\": container port \"http\" is not a number",
        "8080:80/sctp       | invalid port mapping \"8080:80/sctp\": protocol \"sctp\" is not supported: use tcp or udp",
        "8080:80/icmp       | invalid port mapping \"8080:80/icmp\": unknown protocol \"icmp\": use tcp or udp",
        "70000:80           | invalid port mapping \"70000:80\": host port 70000 is not in 0..65535",
        "8080:0             | invalid port mapping \"8080:0\": container port 0 is not in 1..65535",
        "1.2.3:8080:80      | invalid port mapping \"1.2.3:8080:80\": host IP \"1.2.3\" is not an IP address",
        "::1:8080:80        | invalid port mapping \"::1:8080:80\": too many ':' (write an IPv6 address as [ADDR])",
        "8000-8002:80-81    | invalid port mapping \"8000-8002:80-81\": host port range 8000-8002 and container port range 80-81 differ in length",
        "90-80              | invalid port mapping \"90-80\": container port range \"90-80\" ends before it starts",
        "[::1]8080:80       | invalid port mapping \"[::1]8080:80\": a bracketed IPv6 address must be followed by ':'",
        "''                 | invalid port mapping \"\": empty",
    })
    void errorsAreOneLineNamingThePart(String spec, String message) {
        assertEquals(message.trim(), assertThrows(IllegalArgumentException.class,
                () -> PortMappingParser.parse(spec.trim())).getMessage());
    }
}
