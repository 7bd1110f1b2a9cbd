package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnerd.nativebindings.MountApi;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecursiveAttributeTest {

    @Test
    void flagsAreSetAndPropagationPassedThrough() {
        MountApi.Attr a = RecursiveAttribute.toAttr(EnumSet.of(RecursiveAttribute.RDONLY, RecursiveAttribute.NOSUID,
                RecursiveAttribute.NODEV, RecursiveAttribute.NOEXEC), Propagation.RPRIVATE);
        assertEquals(MountApi.MOUNT_ATTR_RDONLY | MountApi.MOUNT_ATTR_NOSUID | MountApi.MOUNT_ATTR_NODEV
                | MountApi.MOUNT_ATTR_NOEXEC, a.set());
        assertEquals(0, a.clear());
        assertEquals(MountApi.MS_PRIVATE, a.propagation());
        assertEquals(0, RecursiveAttribute.toAttr(Set.of(), null).propagation(), "0 leaves propagation unchanged");
    }

    @Test
    void accessTimeIsAFieldClearedWholeBeforeOneValueIsSet() {
        MountApi.Attr noatime = RecursiveAttribute.toAttr(Set.of(RecursiveAttribute.NOATIME), null);
        assertEquals(MountApi.MOUNT_ATTR_NOATIME, noatime.set());
        assertEquals(MountApi.MOUNT_ATTR__ATIME, noatime.clear());
        MountApi.Attr relatime = RecursiveAttribute.toAttr(Set.of(RecursiveAttribute.RELATIME), null);
        assertEquals(0, relatime.set(), "relatime is the field's value 0");
        assertEquals(MountApi.MOUNT_ATTR__ATIME, relatime.clear());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecursiveAttribute.toAttr(
                EnumSet.of(RecursiveAttribute.NOATIME, RecursiveAttribute.STRICTATIME), null));
        assertEquals("only one of noatime, strictatime, relatime can be set", e.getMessage());
    }

    @Test
    void ociOptionNamesAreRuncs() {
        assertEquals("rro", RecursiveAttribute.RDONLY.ociOption());
        assertEquals("rnosymfollow", RecursiveAttribute.NOSYMFOLLOW.ociOption());
        assertEquals("rdonly", RecursiveAttribute.RDONLY.helperName());
    }
}
