package dev.asyncore.sample.chat;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

import dev.asyncore.DispatcherMap;
import dev.asyncore.OutputBudget;
import dev.asyncore.chat.AsyncChat;

/**
 * One member of a {@link ChatRoom}: splits what it receives into lines ({@code \n}, with a trailing {@code \r} dropped) and
 * has the room broadcast each one. Loop thread, except {@link #peakQueuedBytes()} and {@link #queuedBytes()} (any thread).
 */
public class ChatRoomHandler extends AsyncChat {

    private static final byte[] NEWLINE = {'\n'};

    private final ChatRoom room;
    private byte[] line = new byte[128];
    private ByteBuffer lineView = ByteBuffer.wrap(line);
    private int lineLength;
    private volatile long peakQueuedBytes;

    /**
     * Wraps an accepted channel, registers it in {@code map} and joins {@code room}. Loop thread.
     *
     * @param channel the accepted channel
     * @param map the server's map
     * @param room the room to join
     */
    public ChatRoomHandler(SocketChannel channel, DispatcherMap map, ChatRoom room) {
        super(channel, map);
        this.room = room;
        setTerminator(NEWLINE);
        room.configure(this);
        room.join(this);
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        collectIncomingData(data, 0, data.length);
    }

    /** Appends to the line in progress without an intermediate copy. Loop thread. */
    @Override
    protected void collectIncomingData(byte[] buffer, int offset, int length) {
        ensureCapacity(lineLength + length + 1);
        System.arraycopy(buffer, offset, line, lineLength, length);
        lineLength += length;
    }

    /** Broadcasts the line just completed, with a {@code \n}, through the room. Loop thread. */
    @Override
    protected void foundTerminator() {
        int n = lineLength;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        ensureCapacity(n + 1);
        line[n] = '\n';
        lineLength = 0;
        lineView.limit(n + 1);
        room.broadcast(this, lineView);
    }

    /**
     * Queues a line for this member, sharing the array with the other members (see {@link AsyncChat#push(byte[])}). This
     * member's loop thread: a line from another loop arrives as a task on it.
     */
    void deliver(byte[] data) {
        assert loop() == null || loop().inEventLoop()
                : "push for " + this + " off its loop, on " + Thread.currentThread();
        push(data);
        long queued = queuedBytes();
        if (queued > peakQueuedBytes) {
            peakQueuedBytes = queued;
        }
    }

    /** Closes this member, which holds a full queue, counted and logged (within a rate limit) by its server. */
    void dropSlowConsumer() {
        OutputBudget.closeSlowConsumer(this, queuedBytes() + " bytes queued, past its high watermark");
    }

    private void ensureCapacity(int n) {
        if (line.length < n) {
            line = Arrays.copyOf(line, Math.max(n, line.length * 2));
            lineView = ByteBuffer.wrap(line);
        }
    }

    /**
     * Returns the most bytes ever queued for this member right after a line was queued. Any thread.
     *
     * @return the peak of {@link #queuedBytes()}
     */
    public long peakQueuedBytes() {
        return peakQueuedBytes;
    }

    /** Leaves the room, then closes the channel. Idempotent. Loop thread. */
    @Override
    public void close() {
        if (room != null) {
            room.leave(this);
        }
        super.close();
    }
}
