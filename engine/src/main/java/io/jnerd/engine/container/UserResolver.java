package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves {@code -u}/the image's User ("name", "uid", "name:group", "uid:gid") against the
 * image's /etc/passwd and /etc/group, as docker does: a numeric uid need not exist; a name
 * must; the primary gid comes from passwd unless a group is given; supplementary groups
 * are those listing the user by name.
 */
public final class UserResolver {
    private final Function<String, Optional<String>> imageFile;

    /** {@code imageFile} reads a file of the image's root filesystem ("/etc/passwd"). */
    public UserResolver(Function<String, Optional<String>> imageFile) {
        this.imageFile = imageFile;
    }

    public ProcessUser resolve(String spec) {
        if (spec == null || spec.isEmpty()) {
            return new ProcessUser(0, 0, List.of());
        }
        String user = spec;
        String group = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            user = spec.substring(0, colon);
            group = spec.substring(colon + 1);
        }
        if (isNumber(user) && group != null && isNumber(group)) {
            return new ProcessUser(Long.parseLong(user), Long.parseLong(group), List.of());
        }
        List<String[]> passwd = table("/etc/passwd");
        String[] entry = null;
        for (String[] p : passwd) {
            if (p.length >= 4 && (p[0].equals(user) || (isNumber(user) && p[2].equals(user)))) {
                entry = p;
                break;
            }
        }
        if (entry == null && !isNumber(user)) {
            throw new JnerdException("unable to find user " + user + ": no matching entries in the image's /etc/passwd");
        }
        long uid = entry != null ? Long.parseLong(entry[2]) : Long.parseLong(user);
        long gid = entry != null ? Long.parseLong(entry[3]) : 0;
        String userName = entry != null ? entry[0] : null;
        List<String[]> groups = table("/etc/group");
        if (group != null) {
            gid = groupId(group, groups);
        }
        Set<Long> extra = new LinkedHashSet<>();
        if (userName != null) {
            for (String[] g : groups) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(userName)) {
                    extra.add(Long.parseLong(g[2]));
                }
            }
        }
        extra.remove(gid);
        return new ProcessUser(uid, gid, new ArrayList<>(extra));
    }

    private static long groupId(String group, List<String[]> groups) {
        if (isNumber(group)) {
            return Long.parseLong(group);
        }
        for (String[] g : groups) {
            if (g.length >= 3 && g[0].equals(group)) {
                return Long.parseLong(g[2]);
            }
        }
        throw new JnerdException("unable to find group " + group + ": no matching entries in the image's /etc/group");
    }

    private List<String[]> table(String path) {
        List<String[]> rows = new ArrayList<>();
        imageFile.apply(path).ifPresent(text -> {
            for (String line : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split(":", -1));
                }
            }
        });
        return rows;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
