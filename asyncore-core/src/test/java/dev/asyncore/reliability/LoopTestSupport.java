package dev.asyncore.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;

/** What the reliability tests share: a fresh map, its loop (closed after each test), and the process's descriptor count. */
abstract class LoopTestSupport {

    protected final DispatcherMap map = new DispatcherMap();
    protected AsyncLoop loop;

    /** Starts the loop over {@link #map} on a thread of this name. */
    protected AsyncLoop startLoop(String threadName) {
        loop = AsyncLoop.builder(map).threadName(threadName).build();
        loop.start();
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
