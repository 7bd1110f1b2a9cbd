package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One OCI {@code LinuxSyscall}: the {@code action} for {@code names} when every {@code args}
 * condition holds. {@code comment}, {@code includes} and {@code excludes} are docker's
 * extensions; jnerd resolves includes/excludes when it compiles a profile.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SyscallEntry(
        List<String> names,
        String action,
        Integer errnoRet,
        List<ArgRule> args,
        String comment,
        RuleCondition includes,
        RuleCondition excludes) {

    public SyscallEntry {
        names = names == null ? List.of() : List.copyOf(names);
        args = args == null ? List.of() : List.copyOf(args);
    }

    public static SyscallEntry of(List<String> names, String action) {
        return new SyscallEntry(names, action, null, List.of(), null, null, null);
    }

    public SyscallEntry withNames(List<String> newNames) {
        return new SyscallEntry(newNames, action, errnoRet, args, comment, includes, excludes);
    }

    public SyscallEntry withArgs(List<ArgRule> newArgs) {
        return new SyscallEntry(names, action, errnoRet, newArgs, comment, includes, excludes);
    }

    /** This rule as the runtime sees it once its includes/excludes have been resolved. */
    public SyscallEntry withoutConditions() {
        return new SyscallEntry(names, action, errnoRet, args, comment, null, null);
    }
}
