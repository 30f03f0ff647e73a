package dev.asyncore.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A single-threaded NIO client that drives many echo conversations at once: each connection sends a message, waits for
 * all of it to come back, checks every byte, and sends the next. Used by the reliability tests; closes what it opens.
 */
final class EchoClients implements AutoCloseable {

    /** The result of a run. */
    record Result(int connections, long messagesVerified, long bytesVerified, List<String> failures) {}

    private final Selector selector;
    private final List<Conversation> conversations = new ArrayList<>();

    EchoClients() throws IOException {
        this.selector = Selector.open();
    }

    /**
     * Runs {@code connections} conversations of {@code messages} random messages of 1 to {@code maxSize} bytes each.
     */
    Result run(InetSocketAddress server, int connections, int messages, int maxSize, long seed, long deadlineMillis)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conversation c = new Conversation(ch, random.split(), messages, maxSize);
            conversations.add(c);
            ch.connect(server);
            ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
        long end = System.currentTimeMillis() + deadlineMillis;
        int done = 0;
        List<String> failures = new ArrayList<>();
        while (done < connections && System.currentTimeMillis() < end) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Conversation c = (Conversation) key.attachment();
                try {
                    if (c.step(key)) {
                        done++;
                        key.cancel();
                        c.channel.close();
                    }
                } catch (IOException | IllegalStateException e) {
                    failures.add(c + ": " + e);
                    done++;
                    key.cancel();
                    c.channel.close();
                }
            }
            selector.selectedKeys().clear();
        }
        long messagesOk = 0;
        long bytesOk = 0;
        for (Conversation c : conversations) {
            messagesOk += c.verifiedMessages;
            bytesOk += c.verifiedBytes;
            if (c.verifiedMessages < messages && failures.stream().noneMatch(f -> f.startsWith(c.toString()))) {
                failures.add(c + ": unfinished after deadline, " + c.verifiedMessages + " of " + messages);
            }
        }
        return new Result(connections, messagesOk, bytesOk, failures);
    }

    @Override
    public void close() throws IOException {
        for (Conversation c : conversations) {
            c.channel.close();
        }
        selector.close();
    }

    private static final class Conversation {
        final SocketChannel channel;
        final SplittableRandom random;
        final int messages;
        final int maxSize;
        ByteBuffer out;
        byte[] expected;
        ByteBuffer in;
        int verifiedMessages;
        long verifiedBytes;

        Conversation(SocketChannel channel, SplittableRandom random, int messages, int maxSize) {
            this.channel = channel;
            this.random = random;
            this.messages = messages;
            this.maxSize = maxSize;
            this.in = ByteBuffer.allocate(maxSize);
        }

        /** Advances the conversation; true when every message came back intact. */
        boolean step(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                channel.finishConnect();
                nextMessage(key);
                return false;
            }
            if (key.isWritable()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isReadable()) {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IllegalStateException("server closed after " + verifiedMessages + " messages");
                }
                if (in.position() > expected.length) {
                    throw new IllegalStateException("more bytes than sent");
                }
                if (in.position() == expected.length) {
                    for (int i = 0; i < expected.length; i++) {
                        if (in.get(i) != expected[i]) {
                            throw new IllegalStateException(
                                    "byte " + i + " of message " + verifiedMessages + " differs");
                        }
                    }
                    verifiedMessages++;
                    verifiedBytes += expected.length;
                    if (verifiedMessages == messages) {
                        return true;
                    }
                    nextMessage(key);
                }
            }
            return false;
        }

        private void nextMessage(SelectionKey key) {
            expected = new byte[1 + random.nextInt(maxSize)];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (byte) random.nextInt(256);
            }
            out = ByteBuffer.wrap(expected);
            in.clear();
            key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
        }

        @Override
        public String toString() {
            return "connection " + Integer.toHexString(System.identityHashCode(this));
        }
    }
}
