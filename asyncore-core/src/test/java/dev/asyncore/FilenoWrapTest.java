package dev.asyncore;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File numbers: the source wraps without handing out a key its map still holds, and a put never evicts a live entry. */
class FilenoWrapTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void close() {
        Asyncore.closeAll(map, true);
        map.close();
        Dispatcher.startFilenosAt(1024);
    }

    @Test
    void keySourceSkipsKeysStillHeldAfterItWraps() throws Exception {
        Dispatcher.startFilenosAt(1024);
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        Dispatcher listener = new Dispatcher(channel, map);
        listener.setAccepting(true);
        Integer listenerKey = listener.fileno();
        assertThat(listenerKey).isEqualTo(1024);

        Dispatcher.startFilenosAt(Integer.MAX_VALUE - 1);
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Dispatcher d = new Dispatcher(map);
            d.addChannel();
            keys.add(d.fileno());
        }

        System.out.println("keys handed out across the wrap: " + keys);
        assertThat(keys).containsExactly(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1025, 1026);
        assertThat(map.get(listenerKey)).isSameAs(listener);
        assertThat(map.size()).isEqualTo(5);
        assertThat(map.listening()).isEqualTo(1);
    }

    @Test
    void keyFreedByItsDispatcherIsHandedOutAgain() {
        Dispatcher.startFilenosAt(Integer.MAX_VALUE);
        Dispatcher first = new Dispatcher(map);
        first.addChannel();
        Dispatcher.startFilenosAt(1024);
        Dispatcher held = new Dispatcher(map);
        held.addChannel();
        held.delChannel();

        Dispatcher again = new Dispatcher(map);
        again.addChannel();

        assertThat(again.fileno()).isEqualTo(1025);
        Dispatcher.startFilenosAt(1024);
        Dispatcher reused = new Dispatcher(map);
        reused.addChannel();
        assertThat(reused.fileno()).isEqualTo(1024);
    }

    @Test
    void putUnderAKeyHeldByAnotherDispatcherIsAnError() {
        Dispatcher held = new Dispatcher(map);
        held.addChannel();
        Dispatcher intruder = new Dispatcher(map);
        int key = held.fileno();

        assertThatThrownBy(() -> map.put(key, intruder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key " + key)
                .hasMessageContaining(intruder.toString())
                .hasMessageContaining("held by " + held);
        assertThat(map.get(key)).isSameAs(held);
        assertThat(map.size()).isEqualTo(1);

        map.put(key, held);
        assertThat(map.get(key)).isSameAs(held);
    }
}
