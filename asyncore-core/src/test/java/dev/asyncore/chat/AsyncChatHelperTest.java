package dev.asyncore.chat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** test_asynchat's single tests: {@code TestAsynchatMocked}, {@code TestHelperFunctions}, {@code TestNotConnected}. */
class AsyncChatHelperTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        map.close();
    }

    /**
     * Python mocks a socket whose recv raises BlockingIOError; here a real connected socket with nothing to read returns 0 from
     * read (EAGAIN). handleRead must return without handleError and without closing.
     */
    @Test
    void blockingIoError() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel accepted = listener.accept()) {
                List<Throwable> errors = new ArrayList<>();
                RecordingChat chat = new RecordingChat(map) {
                    @Override
                    public void handleError(Throwable t) {
                        errors.add(t);
                    }
                };
                accepted.configureBlocking(false);
                chat.setSocket(accepted);
                chat.setTerminator("\n".getBytes(StandardCharsets.ISO_8859_1));
                chat.handleRead();
                assertThat(errors).isEmpty();
                assertThat(chat.events).isEmpty();
                assertThat(accepted.isOpen()).isTrue();
                assertThat(map.isEmpty()).isFalse();
                chat.close();
                assertThat(client.isOpen()).isTrue();
            }
        }
    }

    @Test
    void findPrefixAtEnd() {
        assertThat(AsyncChat.findPrefixAtEnd(bytes("qwerty\r"), bytes("\r\n"))).isEqualTo(1);
        assertThat(AsyncChat.findPrefixAtEnd(bytes("qwertydkjf"), bytes("\r\n")))
                .isZero();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void disallowNegativeTerminator() {
        RecordingChat client = new RecordingChat(map);
        assertThatThrownBy(() -> client.setTerminator(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the number of received bytes must be positive, got -1");
    }
}
