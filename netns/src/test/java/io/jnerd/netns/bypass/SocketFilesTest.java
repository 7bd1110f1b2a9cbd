package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SocketFilesTest {

    @Test
    void aRecordedOwnerIsFoundByDeviceAndInodeAndTheOldestGoFirst() {
        SocketFiles files = new SocketFiles();
        files.record(8, 1, 100999, 100999);
        assertEquals(new SocketFiles.Owner(100999, 100999), files.owner(8, 1));
        assertNull(files.owner(9, 1), "another device's inode 1");
        // A container binding socket after socket cannot make the agent keep them all.
        for (int i = 2; i <= SocketFiles.MAX_ENTRIES + 1; i++) {
            files.record(8, i, 1, 1);
        }
        assertNull(files.owner(8, 1));
        assertEquals(new SocketFiles.Owner(1, 1), files.owner(8, SocketFiles.MAX_ENTRIES + 1));
    }
}
