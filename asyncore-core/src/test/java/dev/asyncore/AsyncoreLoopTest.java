package dev.asyncore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Java-specific extras on {@link Asyncore#loop}, {@code closeAll} and {@link ExitNow}, beyond Python's suite. */
class AsyncoreLoopTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    /** A listening dispatcher that nobody connects to: a pass over it waits for the whole timeout. */
    private Dispatcher idleListener() throws IOException {
        Dispatcher d = new Dispatcher(map);
        d.createSocket();
        d.bind(new InetSocketAddress("127.0.0.1", 0));
        d.listen(5);
        return d;
    }

    @Test
    void countZeroReturnsImmediately() throws IOException {
        idleListener();
        long start = System.nanoTime();
        Asyncore.loop(Duration.ofSeconds(5), false, map, 0);
        Asyncore.loop(Duration.ofSeconds(5), true, map, 0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void emptyMapReturnsImmediately() {
        long start = System.nanoTime();
        Asyncore.loop(Duration.ofSeconds(5), false, map);
        Asyncore.loop(Duration.ofSeconds(5), true, map);
        Asyncore.loop(null, false, map, 3);
        Asyncore.poll(Duration.ofSeconds(5), map);
        Asyncore.poll2(Duration.ofSeconds(5), map);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void idlePassesEachWaitTheTimeout() throws IOException {
        idleListener();
        long start = System.nanoTime();
        Asyncore.loop(Duration.ofMillis(100), false, map, 3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    /** A channel whose close fails with something other than "already closed". */
    static final class FailingClose extends Dispatcher {
        FailingClose(DispatcherMap map) {
            super(map);
        }

        @Override
        public void close() {
            throw new IllegalStateException("close failed");
        }
    }

    @Test
    void closeAllDoesNotClearTheMapOnError() {
        map.put(1, new Dispatcher(map));
        map.put(2, new FailingClose(map));
        map.put(3, new Dispatcher(map));
        assertThatThrownBy(() -> Asyncore.closeAll(map, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("close failed");
        assertThat(map.size()).as("the map is not cleared when closeAll raises").isEqualTo(3);
        Asyncore.closeAll(map, true);
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void closeAllPropagatesExitNowEvenWhenIgnoringAll() {
        map.put(1, new Dispatcher(map) {
            @Override
            public void close() {
                throw new ExitNow();
            }
        });
        assertThatThrownBy(() -> Asyncore.closeAll(map, true)).isInstanceOf(ExitNow.class);
        assertThat(map.size()).isEqualTo(1);
        map.clear();
    }

    @Test
    void exitNowFromAHandlerEndsLoop() throws IOException {
        List<String> events = new ArrayList<>();
        new Dispatcher(map) {
            @Override
            public boolean readable() {
                return false;
            }

            @Override
            public void handleWrite() {
                events.add("write");
                throw new ExitNow();
            }

            @Override
            public void handleError(Throwable t) {
                events.add("error");
            }
        }.setSocket(java.nio.channels.Pipe.open().sink());
        for (boolean usePoll : new boolean[] {false, true}) {
            events.clear();
            assertThatThrownBy(() -> Asyncore.loop(Duration.ofMillis(10), usePoll, map))
                    .isInstanceOf(ExitNow.class);
            assertThat(events).as("usePoll=%s", usePoll).containsExactly("write");
            assertThat(map.isEmpty()).isFalse();
        }
    }

    @Test
    void handleErrorThrowingEscapesLoop() throws IOException {
        new Dispatcher(map) {
            @Override
            public void handleWrite() {
                throw new IllegalArgumentException("from handleWrite");
            }

            @Override
            public void handleError(Throwable t) {
                throw new IllegalStateException("from handleError", t);
            }
        }.setSocket(java.nio.channels.Pipe.open().sink());
        assertThatThrownBy(() -> Asyncore.loop(Duration.ofMillis(10), false, map, 5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("from handleError");
    }

    @Test
    void loopRefusesAMapRunByAnAsyncLoop() throws IOException {
        DispatcherMap owned = new DispatcherMap();
        try (AsyncLoop loop = AsyncLoop.builder(owned)
                .threadName("owned-loop")
                .timeout(Duration.ofMillis(50))
                .build()) {
            loop.start();
            assertThatThrownBy(() -> Asyncore.loop(Duration.ofMillis(10), false, owned, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("owned-loop");
        }
        try (ServerSocketChannel unused = ServerSocketChannel.open()) {
            assertThat(unused.isOpen()).isTrue();
        }
    }
}
