package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountOptionsTest {

    private static final Path CWD = Path.of("/home/u/project");

    private static MountRequest volume(String spec) {
        return MountOptions.parseVolume(spec, CWD);
    }

    private static MountRequest mount(String spec) {
        return MountOptions.parseMount(spec, CWD);
    }

    // ---- -v, accepted ----

    @ParameterizedTest(name = "-v {0}")
    @CsvSource(delimiter = '|', value = {
        "/src:/dst                 | WRITABLE              | true  | RPRIVATE",
        "/src:/dst:rw              | WRITABLE              | true  | RPRIVATE",
        "/src:/dst:ro              | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
        "/src:/dst:rro             | RECURSIVE             | true  | RPRIVATE",
        "/src:/dst:rro,rprivate    | RECURSIVE             | true  | RPRIVATE",
        "/src:/dst:ro,rbind        | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
        "/src:/dst:ro,bind         | NON_RECURSIVE         | false | RPRIVATE",
        "/src:/dst:rro,bind        | NON_RECURSIVE         | false | RPRIVATE",
        "/src:/dst:bind            | WRITABLE              | false | RPRIVATE",
        "/src:/dst:private         | WRITABLE              | true  | PRIVATE",
        "/src:/dst:shared          | WRITABLE              | true  | SHARED",
        "/src:/dst:rshared         | WRITABLE              | true  | RSHARED",
        "/src:/dst:slave           | WRITABLE              | true  | SLAVE",
        "/src:/dst:ro,rslave       | RECURSIVE_IF_POSSIBLE | true  | RSLAVE",
    })
    void volumeForms(String spec, ReadOnlyMode readOnly, boolean recursive, Propagation propagation) {
        MountRequest r = volume(spec);
        assertEquals(MountRequest.BIND, r.type());
        assertEquals("/src", r.source());
        assertEquals("/dst", r.destination());
        assertEquals(readOnly, r.readOnly());
        assertEquals(recursive, r.recursiveBind());
        assertEquals(propagation, r.propagation());
        assertTrue(r.notes().isEmpty(), r.notes().toString());
    }

    @Test
    void selinuxRelabelIsAcceptedAndIgnoredWithANote() {
        MountRequest r = volume("/src:/dst:ro,z");
        assertEquals(ReadOnlyMode.RECURSIVE_IF_POSSIBLE, r.readOnly());
        assertEquals(List.of("-v /src:/dst:ro,z: option z ignored: jnerd does not relabel for SELinux"), r.notes());
        assertEquals(1, volume("/src:/dst:Z").notes().size());
    }

    @Test
    void relativeSourceIsTakenFromTheWorkingDirectory() {
        assertEquals("/home/u/project/data", volume("./data:/data").source());
        assertEquals("/home/u/other", volume("../other:/data").source());
        assertEquals("/home/u/project", volume(".:/data").source());
    }

    // ---- -v, rejected ----

    @ParameterizedTest(name = "-v {0}")
    @CsvSource(delimiter = '|', value = {
        "''                   | -v : empty value",
        "/src                 | -v /src: anonymous volumes are not supported yet (give SRC:DST)",
        "/a:/b:ro:x           | -v /a:/b:ro:x: too many ':' (expected SRC:DST[:OPTIONS])",
        ":/dst                | -v :/dst: empty source",
        "/src:                | -v /src:: empty destination",
        "data:/dst            | -v data:/dst: source \"data\" is not a host path (start it with / or ./); named volumes are not supported yet",
        "/src:dst             | -v /src:dst: destination \"dst\" is not an absolute path",
        "/src:/               | -v /src:/: destination can't be '/'",
        "/src:/dst:rox        | -v /src:/dst:rox: unknown option \"rox\" (expected ro, rw, rro, bind, rbind, private, rprivate, shared, rshared, slave, rslave, z, Z)",
        "/src:/dst:ro,        | -v /src:/dst:ro,: empty option",
        "/src:/dst:ro,rw      | -v /src:/dst:ro,rw: conflicting options ro and rw",
        "/src:/dst:ro,rro     | -v /src:/dst:ro,rro: conflicting options ro and rro",
        "/src:/dst:ro,ro      | -v /src:/dst:ro,ro: option ro given twice",
        "/src:/dst:bind,rbind | -v /src:/dst:bind,rbind: conflicting options bind and rbind",
        "/src:/dst:shared,slave | -v /src:/dst:shared,slave: conflicting options shared and slave",
        "/src:/dst:rro,rshared | -v /src:/dst:rro,rshared: rro requires rprivate propagation, not rshared (a shared or slave tree would receive writable submounts)",
    })
    void rejectedVolumeForms(String spec, String message) {
        InvalidMountOptionException e = assertThrows(InvalidMountOptionException.class, () -> volume(spec));
        assertEquals(message, e.getMessage());
    }

    // ---- --mount, accepted ----

    @ParameterizedTest(name = "--mount {0}")
    @CsvSource(delimiter = '|', value = {
        "type=bind,source=/src,target=/dst                                              | WRITABLE              | true  | RPRIVATE",
        "type=bind,src=/src,dst=/dst,readonly                                           | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
        "type=bind,src=/src,destination=/dst,ro=true                                    | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,readonly=false                                  | WRITABLE              | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,readonly=1,bind-recursive=enabled               | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,readonly,bind-recursive=writable                | NON_RECURSIVE         | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,readonly,bind-recursive=readonly,bind-propagation=rprivate | RECURSIVE | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,bind-recursive=disabled                         | WRITABLE              | false | RPRIVATE",
        "type=bind,src=/src,target=/dst,readonly,bind-recursive=disabled                | NON_RECURSIVE         | false | RPRIVATE",
        "type=bind,src=/src,target=/dst,bind-nonrecursive                               | WRITABLE              | false | RPRIVATE",
        "type=bind,src=/src,target=/dst,bind-nonrecursive=false                         | WRITABLE              | true  | RPRIVATE",
        "type=bind,src=/src,target=/dst,bind-propagation=rslave                         | WRITABLE              | true  | RSLAVE",
        "TYPE=bind,Source=/src,Target=/dst,READONLY                                     | RECURSIVE_IF_POSSIBLE | true  | RPRIVATE",
    })
    void bindMountForms(String spec, ReadOnlyMode readOnly, boolean recursive, Propagation propagation) {
        MountRequest r = mount(spec);
        assertEquals(MountRequest.BIND, r.type());
        assertEquals("/src", r.source());
        assertEquals("/dst", r.destination());
        assertEquals(readOnly, r.readOnly());
        assertEquals(recursive, r.recursiveBind());
        assertEquals(propagation, r.propagation());
    }

    @ParameterizedTest(name = "--mount {0}")
    @CsvSource(delimiter = '|', value = {
        "type=tmpfs,target=/run                               | false | -1         | -1",
        "type=tmpfs,target=/run,tmpfs-size=1048576            | false | 1048576    | -1",
        "type=tmpfs,target=/run,tmpfs-size=64m                | false | 67108864   | -1",
        "type=tmpfs,target=/run,tmpfs-size=64MiB              | false | 67108864   | -1",
        "type=tmpfs,target=/run,tmpfs-size=2g,tmpfs-mode=1777 | false | 2147483648 | 1023",
        "type=tmpfs,target=/run,tmpfs-size=512k,tmpfs-mode=0700,readonly | true | 524288 | 448",
    })
    void tmpfsMountForms(String spec, boolean readOnly, long size, int mode) {
        MountRequest r = mount(spec);
        assertEquals(MountRequest.TMPFS, r.type());
        assertNull(r.source());
        assertEquals("/run", r.destination());
        assertEquals(readOnly ? ReadOnlyMode.NON_RECURSIVE : ReadOnlyMode.WRITABLE, r.readOnly());
        assertFalse(r.recursiveBind());
        assertEquals(size < 0 ? null : size, r.tmpfsSize());
        assertEquals(mode < 0 ? null : mode, r.tmpfsMode());
    }

    // ---- --mount, rejected ----

    @ParameterizedTest(name = "--mount {0}")
    @CsvSource(delimiter = '|', value = {
        "''                                            | --mount : empty value",
        "source=/src,target=/dst                       | --mount source=/src,target=/dst: type=volume is not supported yet (it is the default): give type=bind or type=tmpfs",
        "type=volume,source=v,target=/dst              | --mount type=volume,source=v,target=/dst: type=volume is not supported yet: give type=bind or type=tmpfs",
        "type=volume,target=/dst,volume-nocopy         | --mount type=volume,target=/dst,volume-nocopy: option 'volume-nocopy': type=volume is not supported yet",
        "type=npipe,source=/a,target=/dst              | --mount type=npipe,source=/a,target=/dst: unknown type=npipe (expected bind or tmpfs)",
        "type=bind,source=/src                         | --mount type=bind,source=/src: target is required",
        "type=bind,target=/dst                         | --mount type=bind,target=/dst: source is required for type=bind",
        "type=bind,source=/src,target=/dst,,readonly   | --mount type=bind,source=/src,target=/dst,,readonly: empty field",
        "type=bind,source=/src,target=/dst,color=red   | --mount type=bind,source=/src,target=/dst,color=red: unknown option 'color'",
        "type=bind,source=/src,target=/dst,target=/x   | --mount type=bind,source=/src,target=/dst,target=/x: 'target' given twice",
        "type=bind,source=/src,target=/dst,dst=/x      | --mount type=bind,source=/src,target=/dst,dst=/x: give only one of target, destination, dst",
        "type=bind,source=/src,target=dst              | --mount type=bind,source=/src,target=dst: destination \"dst\" is not an absolute path",
        "type=bind,source=/src,target=/dst,readonly=yes | --mount type=bind,source=/src,target=/dst,readonly=yes: invalid value for readonly: yes (expected true or false)",
        "type=bind,source=/src,target=/dst,bind-propagation=up | --mount type=bind,source=/src,target=/dst,bind-propagation=up: unknown bind-propagation=up (expected private, rprivate, shared, rshared, slave or rslave)",
        "type=bind,source=/src,target=/dst,bind-recursive=maybe | --mount type=bind,source=/src,target=/dst,bind-recursive=maybe: unknown bind-recursive=maybe (expected enabled, disabled, writable or readonly)",
        "type=bind,source=/src,target=/dst,bind-recursive=writable | --mount type=bind,source=/src,target=/dst,bind-recursive=writable: option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction",
        "type=bind,source=/src,target=/dst,bind-recursive=readonly | --mount type=bind,source=/src,target=/dst,bind-recursive=readonly: option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction",
        "type=bind,source=/src,target=/dst,readonly,bind-recursive=readonly | --mount type=bind,source=/src,target=/dst,readonly,bind-recursive=readonly: option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction",
        "type=bind,source=/src,target=/dst,readonly,bind-recursive=readonly,bind-propagation=rshared | --mount type=bind,source=/src,target=/dst,readonly,bind-recursive=readonly,bind-propagation=rshared: option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction",
        "type=bind,source=/src,target=/dst,bind-recursive=disabled,bind-nonrecursive | --mount type=bind,source=/src,target=/dst,bind-recursive=disabled,bind-nonrecursive: give bind-recursive or bind-nonrecursive, not both",
        "type=bind,source=/src,target=/dst,tmpfs-size=1m | --mount type=bind,source=/src,target=/dst,tmpfs-size=1m: cannot mix 'tmpfs-*' options with mount type 'bind'",
        "type=tmpfs,target=/run,bind-propagation=rprivate | --mount type=tmpfs,target=/run,bind-propagation=rprivate: cannot mix 'bind-*' options with mount type 'tmpfs'",
        "type=tmpfs,source=/x,target=/run              | --mount type=tmpfs,source=/x,target=/run: type=tmpfs takes no source",
        "type=tmpfs,target=/run,tmpfs-size=lots        | --mount type=tmpfs,target=/run,tmpfs-size=lots: invalid tmpfs-size=lots (expected bytes, or a number with k, m, g or t)",
        "type=tmpfs,target=/run,tmpfs-size=99999999999t | --mount type=tmpfs,target=/run,tmpfs-size=99999999999t: tmpfs-size=99999999999t is too large",
        "type=tmpfs,target=/run,tmpfs-mode=999         | --mount type=tmpfs,target=/run,tmpfs-mode=999: invalid tmpfs-mode=999 (expected octal, e.g. 1777)",
        "type=tmpfs,target=/                           | --mount type=tmpfs,target=/: destination can't be '/'",
    })
    void rejectedMountForms(String spec, String message) {
        InvalidMountOptionException e = assertThrows(InvalidMountOptionException.class, () -> mount(spec));
        assertEquals(message, e.getMessage());
    }
}
