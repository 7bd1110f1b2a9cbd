package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BypassJsonTest {

    private static BypassSpec read(String json) throws BypassException {
        return BypassJson.readSpec(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nerdctlSpec() throws Exception {
        BypassSpec spec = read("{\"id\":\"c1\",\"socketPath\":\"/run/user/1000/bypass/c1.sock\","
                + "\"pidFilePath\":\"/run/user/1000/bypass/c1.pid\",\"logFilePath\":\"/run/user/1000/bypass/c1.log\","
                + "\"portMapping\":[{\"protos\":[\"tcp\"],\"parentIP\":\"\",\"parentPort\":8080,\"childIP\":\"\",\"childPort\":80}],"
                + "\"ignoreSubnets\":[\"127.0.0.0/8\",\"auto\"],\"ignoreBind\":true}");
        assertEquals("c1", spec.id());
        assertEquals(8080, spec.portMapping().get(0).parentPort());
        assertEquals(List.of("tcp"), spec.portMapping().get(0).protos());
        assertEquals(List.of("127.0.0.0/8", "auto"), spec.ignoreSubnets());
        assertEquals(true, spec.ignoreBind());
        BypassSpecs.validate(spec);
    }

    @Test
    void statusRoundTripsWithWireNames() throws Exception {
        BypassSpec spec = read("{\"id\":\"c1\",\"socketPath\":\"/x.sock\"}");
        String json = BypassJson.write(new BypassStatus("c1", 42, spec, List.of("UDP sockets are not switched")));
        assertEquals("{\"id\":\"c1\",\"pid\":42,\"spec\":{\"id\":\"c1\",\"socketPath\":\"/x.sock\",\"pidFilePath\":null,"
                + "\"logFilePath\":null,\"portMapping\":null,\"ignoreSubnets\":null,\"ignoreBind\":null},"
                + "\"notSwitched\":[\"UDP sockets are not switched\"]}", json);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"id\":\"c1\",\"extra\":1}                                  | unknown field \"extra\" in BypassSpec",
        "{\"id\":\"c1\",\"portMapping\":[{\"proto\":\"tcp\"}]}       | unknown field \"proto\" in portMapping[0]",
        "{\"id\":5}                                                   | field id: expected a string",
        "{\"id\":\"c1\",\"portMapping\":[{\"parentPort\":\"80\"}]}   | field portMapping[0].parentPort: expected an integer",
        "{\"id\":\"c1\",\"portMapping\":[{\"parentPort\":80.5}]}     | field portMapping[0].parentPort: expected an integer",
        "{\"id\":\"c1\",\"ignoreBind\":\"yes\"}                        | field ignoreBind: expected true or false",
        "{\"id\":\"c1\",\"ignoreBind\":1}                              | field ignoreBind: expected true or false",
        "{\"id\":\"c1\",\"ignoreSubnets\":\"auto\"}                    | field ignoreSubnets: expected an array",
        "[1,2]                                                        | request body must be a BypassSpec object",
        "null                                                         | request body is null: expected a BypassSpec object",
    })
    void wrongShapesNameTheField(String json, String message) {
        assertEquals(message.trim(), assertThrows(BypassException.class, () -> read(json.trim())).getMessage());
    }

    @Test
    void syntaxErrorsDuplicatesAndTrailingData() {
        for (String bad : List.of("{\"id\":", "{\"id\":\"a\",\"id\":\"b\"}", "{\"id\":\"a\"} {}", "\u0000\u0001")) {
            BypassException e = assertThrows(BypassException.class, () -> read(bad), bad);
            assertEquals(400, e.status());
            assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        }
        assertEquals("request body is empty: expected a BypassSpec object",
                assertThrows(BypassException.class, () -> BypassJson.readSpec(new byte[0])).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"socketPath\":\"/x.sock\"}                   | field id is required",
        "{\"id\":\"a/b\",\"socketPath\":\"/x.sock\"}    | field id \"a/b\" must be 1-128 of [A-Za-z0-9_.-], starting alphanumeric",
        "{\"id\":\"c1\"}                                | field socketPath is required",
        "{\"id\":\"c1\",\"socketPath\":\"x.sock\"}      | field socketPath: \"x.sock\" is not an absolute path",
        "{\"id\":\"c1\",\"socketPath\":\"/x\",\"portMapping\":[{\"protos\":[\"sctp\"],\"parentPort\":1,\"childPort\":1}]} | field portMapping[0].protos: \"sctp\" is not supported: use tcp, tcp4, tcp6, udp, udp4 or udp6",
        "{\"id\":\"c1\",\"socketPath\":\"/x\",\"portMapping\":[{\"protos\":[\"tcp\"],\"parentPort\":0,\"childPort\":1}]}  | field portMapping[0].parentPort: 0 is not in 1..65535",
        "{\"id\":\"c1\",\"socketPath\":\"/x\",\"portMapping\":[{\"protos\":[\"tcp\"],\"childPort\":1}]}                  | field portMapping[0].parentPort is required",
        "{\"id\":\"c1\",\"socketPath\":\"/x\",\"portMapping\":[{\"protos\":[\"tcp\"],\"parentIP\":\"host\",\"parentPort\":1,\"childPort\":1}]} | field portMapping[0].parentIP: \"host\" is not an IP address",
        "{\"id\":\"c1\",\"socketPath\":\"/x\",\"ignoreSubnets\":[\"10.0.0.0/40\"]} | field ignoreSubnets: invalid CIDR \"10.0.0.0/40\": prefix length must be 0..32",
    })
    void validationNamesTheField(String json, String message) throws Exception {
        BypassSpec spec = read(json.trim());
        assertEquals(message.trim(), assertThrows(BypassException.class, () -> BypassSpecs.validate(spec)).getMessage());
    }

    @Test
    void portSpecsBecomeOneMappingPerProtocol() throws Exception {
        BypassSpec spec = read("{\"id\":\"c1\",\"socketPath\":\"/x\",\"portMapping\":["
                + "{\"protos\":[\"tcp4\",\"tcp6\",\"udp\"],\"parentIP\":\"127.0.0.1\",\"parentPort\":8080,\"childPort\":80},"
                + "{\"protos\":[\"tcp\"],\"parentIP\":\"\",\"parentPort\":9090,\"childIP\":\"\",\"childPort\":90}]}");
        assertEquals("[127.0.0.1:8080:80/tcp, 127.0.0.1:8080:80/udp, 9090:90/tcp]",
                SupervisedBypassFactory.portMappings(spec).toString());
    }
}
