package dev.asyncore.handler;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The back-off grows by the multiplier from the initial delay, stops at the maximum, and jitter only adds. */
class ReconnectPolicyTest {

    private final ReconnectPolicy policy = ReconnectPolicy.of(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2);

    @Test
    void growsByTheMultiplierUpToTheMaximum() {
        assertThat(policy.delay(0, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(1, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(2, () -> 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(3, () -> 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(10, () -> 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delay(10_000, () -> 0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterAddsUpToItsShare() {
        assertThat(policy.delay(2, () -> 0.5)).isEqualTo(Duration.ofMillis(2200));
        assertThat(policy.delay(2, () -> 0.999)).isLessThan(Duration.ofMillis(2400));
    }

    @Test
    void refusesValuesThatCannotWork() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(30), 0))
                .withMessageContaining("multiplier");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 1.5))
                .withMessageContaining("jitter");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(10), 2, Duration.ofSeconds(1), 0))
                .withMessageContaining("maxDelay");
        assertThat(ReconnectPolicy.NONE.enabled()).isFalse();
    }
}
