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
import dev.asyncore.TrackedInterest;

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
        this(channels, true);
    }

    /**
     * Builds the map.
     *
     * @param channels channels in all, one of them active
     * @param tracked whether the idle channels' class declares {@code @TrackedInterest} (asked only on their events) or
     *     not (asked every pass, as Python asks every channel)
     */
    IdleMap(int channels, boolean tracked) throws IOException {
        for (int i = 0; i < channels - 1; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            ch.configureBlocking(false);
            idle.add(ch);
            if (tracked) {
                new IdleChannel(ch, map);
            } else {
                new PolledIdleChannel(ch, map);
            }
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
    @TrackedInterest
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

    /** An idle channel: wants to read, has nothing to write; its interest changes only through its own events. */
    @TrackedInterest
    static final class IdleChannel extends Dispatcher {
        IdleChannel(DatagramChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }
    }

    /** The same idle channel without {@code @TrackedInterest}: an {@code AsyncLoop} asks it on every pass. */
    static final class PolledIdleChannel extends Dispatcher {
        PolledIdleChannel(DatagramChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }
    }
}
