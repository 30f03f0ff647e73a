package dev.asyncore.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The bounded output queue of a {@link DatagramServer}: datagrams the socket had no room for, in order, at most
 * {@code maxDatagrams} of them and {@code maxBytes} bytes in all. The bytes live in one array allocated at the first
 * datagram queued, so queueing allocates nothing after that. Loop thread.
 */
final class DatagramQueue {

    /** Sends one datagram: the bytes sent, 0 when the socket has no room. */
    @FunctionalInterface
    interface Sender {
        int sendto(ByteBuffer data, SocketAddress target) throws IOException;
    }

    private final int maxBytes;
    private final int[] lengths;
    private final SocketAddress[] targets;
    private byte[] bytes;
    private ByteBuffer view;
    private int head;
    private int count;
    private int start;
    private int end;

    DatagramQueue(int maxDatagrams, int maxBytes) {
        this.maxBytes = maxBytes;
        this.lengths = new int[maxDatagrams];
        this.targets = new SocketAddress[maxDatagrams];
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    int bytes() {
        return end - start;
    }

    /**
     * Copies the buffer's remaining bytes in as one datagram, consuming them.
     *
     * @return false when the queue is full (nothing is copied)
     */
    boolean offer(ByteBuffer data, SocketAddress target) {
        int length = data.remaining();
        if (count == lengths.length || end - start + length > maxBytes) {
            return false;
        }
        if (bytes == null) {
            bytes = new byte[maxBytes];
            view = ByteBuffer.wrap(bytes);
        }
        if (end + length > maxBytes) {
            System.arraycopy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        data.get(bytes, end, length);
        int tail = (head + count) % lengths.length;
        lengths[tail] = length;
        targets[tail] = target;
        end += length;
        count++;
        return true;
    }

    /**
     * Sends the oldest datagram.
     *
     * @return false when the socket had no room (the datagram stays queued)
     */
    boolean sendHead(Sender sender) throws IOException {
        int length = lengths[head];
        view.limit(start + length).position(start);
        if (sender.sendto(view, targets[head]) == 0 && length > 0) {
            return false;
        }
        dropHead();
        return true;
    }

    /** Removes the oldest datagram unsent. */
    void dropHead() {
        start += lengths[head];
        targets[head] = null;
        head = (head + 1) % lengths.length;
        count--;
        if (count == 0) {
            start = 0;
            end = 0;
        }
    }

    /** Drops everything queued. */
    void clear() {
        while (count > 0) {
            targets[head] = null;
            head = (head + 1) % lengths.length;
            count--;
        }
        start = 0;
        end = 0;
    }
}
