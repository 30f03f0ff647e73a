package dev.asyncore.handler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The output queue's bounds and order, without sockets: the sender here is the test, which decides when there is room. */
class DatagramQueueTest {

    private static final SocketAddress TO = new InetSocketAddress("127.0.0.1", 9);

    private final List<String> sent = new ArrayList<>();
    private boolean room = true;

    private int sendto(ByteBuffer data, SocketAddress target) {
        if (!room) {
            return 0;
        }
        int n = data.remaining();
        byte[] bytes = new byte[n];
        data.get(bytes);
        sent.add(new String(bytes, StandardCharsets.US_ASCII));
        return n;
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void holdsAtMostTheDatagramCountThenRefuses() {
        DatagramQueue queue = new DatagramQueue(3, 1000);
        assertThat(queue.offer(bytes("a"), TO)).isTrue();
        assertThat(queue.offer(bytes("b"), TO)).isTrue();
        assertThat(queue.offer(bytes("c"), TO)).isTrue();
        ByteBuffer refused = bytes("d");
        assertThat(queue.offer(refused, TO)).isFalse();
        assertThat(refused.remaining())
                .as("nothing copied from a refused datagram")
                .isEqualTo(1);
        assertThat(queue.size()).isEqualTo(3);
    }

    @Test
    void holdsAtMostTheByteCountThenRefuses() {
        DatagramQueue queue = new DatagramQueue(100, 10);
        assertThat(queue.offer(bytes("123456"), TO)).isTrue();
        assertThat(queue.offer(bytes("12345"), TO)).isFalse();
        assertThat(queue.offer(bytes("1234"), TO)).isTrue();
        assertThat(queue.bytes()).isEqualTo(10);
    }

    @Test
    void sendsInOrderAndStopsWhenTheSocketHasNoRoom() throws Exception {
        DatagramQueue queue = new DatagramQueue(10, 100);
        queue.offer(bytes("one"), TO);
        queue.offer(bytes("two"), TO);
        queue.offer(bytes("three"), TO);
        assertThat(queue.sendHead(this::sendto)).isTrue();
        room = false;
        assertThat(queue.sendHead(this::sendto)).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        room = true;
        while (!queue.isEmpty()) {
            assertThat(queue.sendHead(this::sendto)).isTrue();
        }
        assertThat(sent).containsExactly("one", "two", "three");
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void reusesItsSpaceAsItDrainsWhileStayingWithinItsBound() throws Exception {
        DatagramQueue queue = new DatagramQueue(4, 12);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String s = "d" + (i % 100);
            if (queue.offer(bytes(s), TO)) {
                expected.add(s);
            }
            assertThat(queue.bytes()).isLessThanOrEqualTo(12);
            assertThat(queue.size()).isLessThanOrEqualTo(4);
            if (i % 3 == 0) {
                queue.sendHead(this::sendto);
            }
        }
        while (!queue.isEmpty()) {
            queue.sendHead(this::sendto);
        }
        assertThat(sent).isEqualTo(expected);
        assertThat(expected.size()).isLessThan(1000).isGreaterThan(300);
    }

    @Test
    void dropHeadForgetsTheOldestUnsent() throws Exception {
        DatagramQueue queue = new DatagramQueue(4, 100);
        queue.offer(bytes("bad"), TO);
        queue.offer(bytes("good"), TO);
        queue.dropHead();
        queue.sendHead(this::sendto);
        assertThat(sent).containsExactly("good");
        assertThat(queue.isEmpty()).isTrue();
    }
}
