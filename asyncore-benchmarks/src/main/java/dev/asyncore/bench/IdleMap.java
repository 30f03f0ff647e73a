package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

/**
 * A dispatcher map of {@code channels} channels of which one (a pipe) gets a byte per {@link #sendOne()} and the rest are idle
 * bound UDP channels (one descriptor each, never readable, never writable). Built and closed on one thread; the active reader
 * runs on whichever thread drives the map.
 */
final class IdleMap implements AutoCloseable {
    final DispatcherMap map = new DispatcherMap();
    final ActiveReader active;
    private final Pipe pipe;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final List<DatagramChannel> idle = new ArrayList<>();

    IdleMap(int channels) throws IOException {
        for (int i = 0; i < channels - 1; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            ch.configureBlocking(false);
            idle.add(ch);
            new IdleChannel(ch, map);
        }
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        active = new ActiveReader(pipe.source(), map);
    }

    void sendOne() throws IOException {
        one.clear();
        one.put(0, (byte) 1);
        pipe.sink().write(one);
    }

    @Override
    public void close() throws IOException {
        Asyncore.closeAll(map, true);
        map.close();
        pipe.sink().close();
        for (DatagramChannel ch : idle) {
            ch.close();
        }
    }

    /** Reads whatever arrives and counts the bytes; writes nothing. */
    static final class ActiveReader extends Dispatcher {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        private final Pipe.SourceChannel source;
        volatile long bytes;

        ActiveReader(Pipe.SourceChannel source, DispatcherMap map) {
            super(source, map);
            this.source = source;
        }

        @Override
        public void handleRead() throws IOException {
            buffer.clear();
            int n = source.read(buffer);
            if (n > 0) {
                bytes += n;
            }
        }

        @Override
        public boolean writable() {
            return false;
        }
    }

    /** An idle channel: wants to read, has nothing to write. */
    static final class IdleChannel extends Dispatcher {
        IdleChannel(DatagramChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }
    }
}
