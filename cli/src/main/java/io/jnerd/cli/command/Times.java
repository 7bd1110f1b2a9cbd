package io.jnerd.cli.command;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Ages and uptimes worded as docker words them (docker/go-units' HumanDuration). */
final class Times {
    private Times() {}

    /** "3 seconds ago", "About a minute ago"; empty for a time containerd did not set. */
    static String ago(Timestamp t, Instant now) {
        if (t.getSeconds() == 0) {
            return "";
        }
        return human(since(t, now)) + " ago";
    }

    static Duration since(Timestamp t, Instant now) {
        Duration d = Duration.between(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()), now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * "Less than a second", "1 second", "5 seconds", "About a minute", "5 minutes", "About an
     * hour", "5 hours" (rounded to the nearest hour), then days up to two weeks, weeks up to two
     * months (of 30 days), months up to two years, then years.
     */
    static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = (d.toMillis() + 30 * 60 * 1000) / (60 * 60 * 1000);
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        }
        if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }
}
