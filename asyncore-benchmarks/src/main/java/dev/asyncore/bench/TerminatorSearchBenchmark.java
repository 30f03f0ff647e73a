package dev.asyncore.bench;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.testing.EmbeddedConnection;
import dev.asyncore.testing.EmbeddedLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Line framing of the same ~64 KiB of {@code \r\n}-terminated lines: {@link AsyncChat}'s {@code handleRead} on an
 * in-memory channel of the handler test support (the read copies the chunk, as a socket read does; pieces go to the
 * zero-copy {@code collectIncomingData} overload) against Netty's {@link LineBasedFrameDecoder}, called directly and
 * through a channel pipeline. Each operation frames one chunk; the result is microseconds per chunk.
 * JMH calls every method on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TerminatorSearchBenchmark {
    /** Length of one line including its {@code \r\n}. */
    @Param({"16", "128", "1024"})
    public int lineLength;

    private byte[] chunk;
    private EmbeddedLoop loop;
    private EmbeddedConnection connection;
    private CountingChat chat;
    private ExposedDecoder decoder;
    private ChannelHandlerContext decoderContext;
    private ByteBuf nettyInput;
    private EmbeddedChannel pipeline;
    private CountingHandler pipelineCounter;

    /** Counts frames and bytes without copying them. */
    static final class CountingChat extends AsyncChat {
        long frames;
        long bytes;

        CountingChat(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            bytes += data.length;
        }

        @Override
        protected void collectIncomingData(byte[] buffer, int offset, int length) {
            bytes += length;
        }

        @Override
        protected void foundTerminator() {
            frames++;
        }
    }

    /** Makes {@code decode} callable without the cumulating pipeline around it. */
    static final class ExposedDecoder extends LineBasedFrameDecoder {
        ExposedDecoder(int maxLength) {
            super(maxLength, true, false);
        }

        Object next(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            return decode(ctx, in);
        }
    }

    /** Counts and releases the frames that come out of the pipeline's decoder. */
    static final class CountingHandler extends ChannelInboundHandlerAdapter {
        long frames;
        long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            frames++;
            bytes += frame.readableBytes();
            frame.release();
        }
    }

    /** Builds the input and the three framers. */
    @Setup(Level.Trial)
    public void setUp() {
        if (lineLength < 3) {
            throw new IllegalArgumentException("lineLength must be at least 3 (one byte plus \\r\\n): " + lineLength);
        }
        int lines = Math.max(1, 65_536 / lineLength);
        chunk = new byte[lines * lineLength];
        Random random = new Random(42);
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ".getBytes(StandardCharsets.US_ASCII);
        for (int l = 0; l < lines; l++) {
            int base = l * lineLength;
            for (int i = 0; i < lineLength - 2; i++) {
                chunk[base + i] = alphabet[random.nextInt(alphabet.length)];
            }
            chunk[base + lineLength - 2] = '\r';
            chunk[base + lineLength - 1] = '\n';
        }
        loop = new EmbeddedLoop();
        try {
            connection = loop.connect((channel, peer, map) -> new CountingChat(channel, map));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        chat = (CountingChat) connection.handler();
        chat.setTerminator("\r\n".getBytes(StandardCharsets.US_ASCII));
        chat.setMaxFrameLength(1 << 20);
        decoder = new ExposedDecoder(1 << 20);
        EmbeddedChannel holder = new EmbeddedChannel(decoder);
        decoderContext = holder.pipeline().context(decoder);
        nettyInput = Unpooled.wrappedBuffer(chunk);
        pipelineCounter = new CountingHandler();
        pipeline = new EmbeddedChannel(new LineBasedFrameDecoder(1 << 20), pipelineCounter);
    }

    /** Checks that all three framers saw the same frames, then releases the channels. */
    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
        pipeline.finishAndReleaseAll();
        if (chat.frames > 0
                && pipelineCounter.frames > 0
                && chat.bytes / chat.frames != pipelineCounter.bytes / pipelineCounter.frames) {
            throw new IllegalStateException("AsyncChat and Netty disagree on the frame length: "
                    + chat.bytes / chat.frames + " vs " + pipelineCounter.bytes / pipelineCounter.frames);
        }
    }

    /**
     * Frames one chunk with AsyncChat: the chunk arrives on its in-memory channel and {@code handleRead} runs until it is
     * read.
     *
     * @return frames seen so far
     */
    @Benchmark
    public long asyncChat() {
        connection.channel().writeInbound(chunk);
        while (connection.channel().inboundBytes() > 0) {
            Asyncore.read(chat);
        }
        return chat.frames;
    }

    /**
     * Frames one chunk with {@code LineBasedFrameDecoder.decode}, releasing each frame.
     *
     * @return bytes of frames seen
     * @throws Exception never with this input
     */
    @Benchmark
    public long nettyDecoder() throws Exception {
        ByteBuf in = nettyInput;
        in.setIndex(0, chunk.length);
        long bytes = 0;
        Object frame;
        while ((frame = decoder.next(decoderContext, in)) != null) {
            ByteBuf f = (ByteBuf) frame;
            bytes += f.readableBytes();
            f.release();
        }
        return bytes;
    }

    /**
     * Frames one chunk through a Netty pipeline (cumulation, decoder, a handler that counts and releases).
     *
     * @return frames seen so far
     */
    @Benchmark
    public long nettyPipeline() {
        pipeline.pipeline().fireChannelRead(Unpooled.wrappedBuffer(chunk));
        return pipelineCounter.frames;
    }
}
