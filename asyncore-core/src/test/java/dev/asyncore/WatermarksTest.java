package dev.asyncore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one watermark rule, checked in one place. */
class WatermarksTest {

    @Test
    void lowMayEqualHighAndBeZero() {
        assertThat(Watermarks.of(0, 1)).isEqualTo(new Watermarks(0, 1));
        assertThat(Watermarks.of(64, 64).low()).isEqualTo(64);
    }

    @Test
    void outOfRangeValuesFailNamingBoth() {
        assertThatThrownBy(() -> Watermarks.of(10, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("watermarks need 0 <= low <= high and high >= 1, got low=10, high=5");
        assertThatThrownBy(() -> Watermarks.of(-1, 5)).hasMessageContaining("low=-1");
        assertThatThrownBy(() -> Watermarks.of(0, 0)).hasMessageContaining("high=0");
    }
}
