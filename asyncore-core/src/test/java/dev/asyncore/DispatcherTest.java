package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Python's test_asyncore {@code DispatcherTests}: a dispatcher without a socket, its repr and its logging. */
class DispatcherTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    @Test
    void basic() {
        Dispatcher d = new Dispatcher(map);
        assertThat(d.readable()).isTrue();
        assertThat(d.writable()).isTrue();
    }

    @Test
    void repr() {
        Dispatcher d = new Dispatcher(map);
        assertThat(d.toString())
                .matches("^<[\\w.$]*Dispatcher at 0x[0-9a-f]+>$")
                .isEqualTo("<dev.asyncore.Dispatcher at 0x" + Integer.toHexString(System.identityHashCode(d)) + ">");
    }

    @Test
    void log() {
        Dispatcher d = new Dispatcher(map);
        String l1 = "Lovely spam! Wonderful spam!";
        String l2 = "I don't like spam!";
        String err = captureStderr(() -> {
            d.log(l1);
            d.log(l2);
        });
        assertThat(err.lines()).containsExactly("log: " + l1, "log: " + l2);
    }

    @Test
    void logInfo() {
        Dispatcher d = new Dispatcher(map);
        String l1 = "Have you got anything without spam?";
        String l2 = "Why can't she have egg bacon spam and sausage?";
        String l3 = "THAT'S got spam in it!";
        String out = captureStdout(() -> {
            d.logInfo(l1, "EGGS");
            d.logInfo(l2);
            d.logInfo(l3, "SPAM");
        });
        assertThat(out.lines()).containsExactly("EGGS: " + l1, "info: " + l2, "SPAM: " + l3);
    }

    @Test
    void unhandled() {
        Dispatcher d = new Dispatcher(map);
        d.setIgnoreLogTypes(Set.of());
        String out = captureStdout(() -> {
            try {
                d.handleExpt();
                d.handleRead();
                d.handleWrite();
                d.handleConnect();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(out.lines())
                .containsExactly(
                        "warning: unhandled incoming priority event",
                        "warning: unhandled read event",
                        "warning: unhandled write event",
                        "warning: unhandled connect event");
    }

    @Test
    void unhandledWarningsAreIgnoredByDefault() {
        Dispatcher d = new Dispatcher(map);
        String out = captureStdout(() -> {
            try {
                d.handleRead();
                d.handleWrite();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(out).isEmpty();
    }

    @Test
    void strerror() {
        assertThat(Errno.strerror(Errno.EPERM)).isEqualTo("Operation not permitted");
        assertThat(Errno.strerror(-1)).isNotEmpty().isEqualTo("Unknown error -1");
    }

    static String captureStdout(Runnable action) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String captureStderr(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
