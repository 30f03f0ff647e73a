package dev.asyncore.handler;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long a {@link ClientConnector} waits before it tries again: an exponential back-off from {@code initialDelay},
 * multiplied by {@code multiplier} after each round of failed attempts, capped at {@code maxDelay}, then stretched by a
 * random share of up to {@code jitter} so that many clients of one server do not come back in step. Jitter only adds:
 * no attempt comes sooner than the back-off says. Immutable; any thread.
 *
 * <p>Differs from Python: asyncore never reconnects; its users schedule a new dispatcher themselves.
 *
 * @param enabled whether to reconnect at all; when false the connector stops after the first failure or drop
 * @param initialDelay the wait after a drop and after the first failed round
 * @param multiplier the growth of the wait after each further failed round, 1 or more
 * @param maxDelay the longest wait before jitter
 * @param jitter the largest random share added to a wait, from 0 to 1
 */
public record ReconnectPolicy(
        boolean enabled, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    /** Never reconnects. */
    public static final ReconnectPolicy NONE = new ReconnectPolicy(false, Duration.ZERO, 1, Duration.ZERO, 0);

    /** Validates the values. */
    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "the delays must be zero or positive and maxDelay at least initialDelay, were " + initialDelay
                            + " and " + maxDelay);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("the multiplier must be 1 or more, was " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("the jitter must be from 0 to 1, was " + jitter);
        }
    }

    /**
     * A policy that reconnects. Any thread.
     *
     * @param initialDelay the first wait
     * @param multiplier the growth per failed round
     * @param maxDelay the cap
     * @param jitter the random share added, 0 to 1
     * @return the policy
     */
    public static ReconnectPolicy of(Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {
        return new ReconnectPolicy(true, initialDelay, multiplier, maxDelay, jitter);
    }

    /**
     * The wait before round {@code failedRounds + 1}. Any thread.
     *
     * @param failedRounds how many rounds failed in a row since the last connection (0 after a drop)
     * @param random gives a number from 0 (inclusive) to 1 (exclusive)
     * @return the wait: at least the back-off, at most the back-off times {@code 1 + jitter}
     */
    public Duration delay(int failedRounds, DoubleSupplier random) {
        double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, failedRounds - 1));
        double capped = Math.min(base, maxDelay.toNanos());
        return Duration.ofNanos((long) (capped * (1 + jitter * random.getAsDouble())));
    }
}
