package dev.asyncore.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;

import static org.awaitility.Awaitility.await;

/** What the reliability tests share: a fresh map, its loop (closed after each test), and the process's descriptor count. */
abstract class LoopTestSupport {

    protected final DispatcherMap map = new DispatcherMap();
    protected AsyncLoop loop;

    /**
     * Starts the loop over {@link #map} on a thread of this name, and waits for its first pass: the loop thread opens its
     * selector (two descriptors) as it starts, so a descriptor count taken after this sees them already.
     */
    protected AsyncLoop startLoop(String threadName) {
        loop = AsyncLoop.builder(map).threadName(threadName).build();
        loop.start();
        AsyncLoop started = loop;
        await().atMost(Duration.ofSeconds(10)).until(() -> started.passes() > 0);
        return loop;
    }

    @AfterEach
    void closeLoop() {
        if (loop != null) {
            loop.close();
        }
        map.close();
    }

    /** The number of descriptors this process has open, or 0 where /proc/self/fd does not exist. */
    protected static long openDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }
}
