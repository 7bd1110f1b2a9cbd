package io.jnerd.cli.command;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** "5 minutes ago", as docker prints ages. */
final class Times {
    private Times() {}

    static String ago(Timestamp t) {
        if (t.getSeconds() == 0) {
            return "";
        }
        Duration d = Duration.between(Instant.ofEpochSecond(t.getSeconds()), Instant.now());
        if (d.toSeconds() < 60) {
            return "Less than a minute ago";
        }
        if (d.toMinutes() < 60) {
            return plural(d.toMinutes(), "minute");
        }
        if (d.toHours() < 48) {
            return plural(d.toHours(), "hour");
        }
        return plural(d.toDays(), "day");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s") + " ago";
    }
}
