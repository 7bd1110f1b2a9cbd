package io.jnerd.engine.container;

/**
 * docker's {@code --restart}: {@code no}, {@code always}, {@code unless-stopped},
 * {@code on-failure[:N]} (N: at most that many restarts; 0 or none: no limit). A container
 * stopped by {@code jnerd stop} or {@code rm} is never started again.
 */
public record RestartPolicy(Name name, int maxRetries) {
    public static final RestartPolicy NO = new RestartPolicy(Name.NO, 0);

    /** The policy names, as docker spells them. */
    public enum Name {
        NO("no"), ALWAYS("always"), UNLESS_STOPPED("unless-stopped"), ON_FAILURE("on-failure");

        private final String spelled;

        Name(String spelled) {
            this.spelled = spelled;
        }
    }

    /**
     * @throws IllegalArgumentException one line, as docker's
     */
    public static RestartPolicy parse(String value) {
        String[] parts = value.split(":", -1);
        for (Name n : Name.values()) {
            if (!n.spelled.equals(parts[0])) {
                continue;
            }
            if (parts.length == 1) {
                return new RestartPolicy(n, 0);
            }
            if (parts.length == 2 && n == Name.ON_FAILURE && parts[1].matches("[0-9]{1,9}")) {
                return new RestartPolicy(n, Integer.parseInt(parts[1]));
            }
            if (parts.length == 2 && n != Name.ON_FAILURE) {
                throw new IllegalArgumentException("maximum retry count cannot be used with restart policy '" + n.spelled + "'");
            }
            break;
        }
        throw new IllegalArgumentException("invalid restart policy '" + value
                + "' (expected no, always, unless-stopped or on-failure[:N])");
    }

    /** Whether a container that exited with {@code status} after {@code restarts} restarts starts again. */
    public boolean restarts(int status, int restarts) {
        return switch (name) {
            case NO -> false;
            case ALWAYS, UNLESS_STOPPED -> true;
            case ON_FAILURE -> status != 0 && (maxRetries == 0 || restarts < maxRetries);
        };
    }

    @Override
    public String toString() {
        return name == Name.ON_FAILURE && maxRetries > 0 ? name.spelled + ":" + maxRetries : name.spelled;
    }
}
