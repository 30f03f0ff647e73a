package dev.asyncore.internal.loop;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TimerQueue} and {@link LoopTimer}: a cancelled timer lets go of its task, and cancelled timers are purged. */
class TimerQueueTest {

    @Test
    void aCancelledTimerDropsItsTaskAtOnce() {
        LoopTimer timer = new LoopTimer(() -> {}, 0);
        assertThat(timer.isCancelled()).isFalse();
        timer.cancel();
        assertThat(timer.isCancelled()).isTrue();
        assertThat(timer.take()).isNull();
    }

    @Test
    void cancelledTimersArePurgedWhenTheQueueDoubles() {
        TimerQueue queue = new TimerQueue();
        List<LoopTimer> timers = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            LoopTimer t = new LoopTimer(() -> {}, 1_000_000L + i);
            timers.add(t);
            queue.add(t);
        }
        timers.forEach(LoopTimer::cancel);
        LoopTimer live = new LoopTimer(() -> {}, 5L);
        queue.add(live);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.poll()).isSameAs(live);
    }

    @Test
    void timersOfOneDeadlineRunInTheOrderQueued() {
        TimerQueue queue = new TimerQueue();
        LoopTimer first = new LoopTimer(() -> {}, 7L);
        LoopTimer second = new LoopTimer(() -> {}, 7L);
        queue.add(first);
        queue.add(second);
        assertThat(queue.poll()).isSameAs(first);
        assertThat(queue.poll()).isSameAs(second);
        assertThat(queue.peek()).isNull();
    }
}
