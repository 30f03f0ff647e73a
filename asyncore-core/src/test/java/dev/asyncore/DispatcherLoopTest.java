package dev.asyncore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Dispatcher#loop()} and {@link Dispatcher#execute(Runnable)}: the hand-off to a dispatcher's own loop. */
class DispatcherLoopTest {

    private final DispatcherMap map = new DispatcherMap();
    private AsyncLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private Dispatcher listening() throws IOException {
        Dispatcher d = new Dispatcher(map);
        d.createSocket();
        d.bind(new InetSocketAddress("127.0.0.1", 0));
        d.listen(4);
        return d;
    }

    @Test
    void withoutAnAsyncLoopTheTaskRunsAtOnceOnTheCaller() throws IOException {
        Dispatcher d = listening();
        assertThat(d.loop()).isNull();
        Thread[] ranOn = new Thread[1];
        d.execute(() -> ranOn[0] = Thread.currentThread());
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void onARunningLoopTheTaskRunsOnTheLoopThreadAndAtOnceWhenCalledThere() throws Exception {
        Dispatcher d = listening();
        loop = AsyncLoop.builder(map).threadName("dispatcher-loop-test").build();
        loop.start();
        assertThat(d.loop()).isSameAs(loop);
        CompletableFuture<String> from = new CompletableFuture<>();
        d.execute(() -> from.complete(Thread.currentThread().getName()));
        assertThat(from.get(10, TimeUnit.SECONDS)).isEqualTo("dispatcher-loop-test");
        // on the loop thread itself the task runs inside the call, before execute returns
        CompletableFuture<Boolean> inline = loop.submit(() -> {
            boolean[] ran = new boolean[1];
            d.execute(() -> ran[0] = true);
            return ran[0];
        });
        assertThat(inline.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void afterTheLoopEndedItRejectsTasksAndTheClosedDispatcherHasNoLoop() throws IOException {
        Dispatcher d = listening();
        loop = AsyncLoop.builder(map).threadName("dispatcher-loop-ended").build();
        loop.start();
        AsyncLoop owner = d.loop();
        loop.shutdownGracefully(Duration.ofSeconds(5));
        assertThat(owner.isTerminated()).isTrue();
        assertThatThrownBy(() -> owner.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThat(d.loop()).isNull();
    }
}
