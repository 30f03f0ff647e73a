package dev.asyncore.internal.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FailureLogLimit}: a few lines a minute, one warning when holding back starts, the held count next minute. */
class FailureLogLimitTest {

    private final List<String> notices = new ArrayList<>();

    private boolean admit(FailureLogLimit limit, long now) {
        return limit.admit(now, (type, line) -> notices.add(type + ": " + line));
    }

    @Test
    void writesTenLinesAMinuteAndSaysWhatItHeldBack() {
        FailureLogLimit limit = new FailureLogLimit("failed TLS handshakes");
        long start = 1_000L;
        int written = 0;
        for (int i = 0; i < 25; i++) {
            written += admit(limit, start + i) ? 1 : 0;
        }
        assertThat(written).isEqualTo(FailureLogLimit.LINES_PER_WINDOW);
        assertThat(notices)
                .containsExactly("warning: more than 10 failed TLS handshakes within a minute: the rest are counted but"
                        + " not logged until the minute ends");

        long nextMinute = start + TimeUnit.MINUTES.toNanos(1);
        assertThat(admit(limit, nextMinute)).isTrue();
        assertThat(notices)
                .last()
                .isEqualTo("info: 15 more failed TLS handshakes were counted but not logged in the minute before");
    }

    @Test
    void aQuietMinuteSaysNothing() {
        FailureLogLimit limit = new FailureLogLimit("failed TLS handshakes");
        for (int i = 0; i < 10; i++) {
            assertThat(admit(limit, i)).isTrue();
        }
        assertThat(admit(limit, TimeUnit.MINUTES.toNanos(2))).isTrue();
        assertThat(notices).isEmpty();
    }
}
