package io.jnerd.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnerd.engine.JnerdException;
import org.junit.jupiter.api.Test;

class ContainerArchivePathsTest {

    @Test
    void containerPathsAreAbsoluteAndDotDotStopsAtTheRoot() {
        assertEquals("/", ContainerArchive.clean("/"));
        assertEquals("/etc/passwd", ContainerArchive.clean("etc//./passwd/"));
        assertEquals("/etc", ContainerArchive.clean("/../../etc"));
        assertThrows(JnerdException.class, () -> ContainerArchive.clean(""));
    }

    @Test
    void aTarMemberThatClimbsOutOfTheExtractionPointIsRefused() {
        assertEquals("dir/file", ContainerArchive.memberName("./dir//file"));
        assertEquals("", ContainerArchive.memberName("./"));
        assertEquals("etc/x", ContainerArchive.memberName("/etc/x"), "absolute members land below the point");
        assertThrows(JnerdException.class, () -> ContainerArchive.memberName("a/../../etc/passwd"));
        assertThrows(JnerdException.class, () -> ContainerArchive.memberName("../x"));
    }
}
