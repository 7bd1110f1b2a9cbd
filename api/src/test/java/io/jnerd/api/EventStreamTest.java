package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** docker events' filters, in both of moby's spellings. */
class EventStreamTest {

    private static ObjectNode event() throws Exception {
        return (ObjectNode) Responses.mapper().readTree("""
                {"id": "abcdef0123", "Type": "container", "Action": "die", "from": "busybox",
                 "Actor": {"ID": "abcdef0123", "Attributes": {"name": "web"}}}
                """);
    }

    @Test
    void everyGivenFilterMustMatchAndAnyValueOfOne() throws Exception {
        assertTrue(EventStream.matches(Responses.mapper().readTree("{}"), event()));
        assertTrue(EventStream.matches(Responses.mapper().readTree(
                "{\"container\": {\"web\": true}, \"event\": {\"start\": true, \"die\": true}}"), event()));
        assertTrue(EventStream.matches(Responses.mapper().readTree("{\"container\": [\"abcdef\"]}"), event()),
                "an ID prefix, in the older list form");
        assertFalse(EventStream.matches(Responses.mapper().readTree(
                "{\"container\": {\"web\": true}, \"event\": {\"start\": true}}"), event()));
        assertFalse(EventStream.matches(Responses.mapper().readTree("{\"type\": {\"image\": true}}"), event()));
    }
}
