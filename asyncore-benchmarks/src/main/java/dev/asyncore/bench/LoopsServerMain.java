package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.GroupServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

/**
 * Runs one echo server on several loops in this process, for {@link LoopsCompare}: {@code java -cp benchmarks.jar
 * dev.asyncore.bench.LoopsServerMain <kind> <loops> <work>}. Kinds: {@code asyncore} (a {@link GroupServer} over an
 * {@link AsyncLoopGroup}, {@code SO_REUSEPORT}), {@code asyncore-handoff} (the same with one acceptor handing channels to
 * the loops) and {@code netty} (Netty 4.2, one NIO event loop group of {@code loops} threads serving the listener and the
 * connections; {@code netty-epoll}: the same group on Netty's native epoll transport). {@code work} is the xorshift steps
 * per 64 bytes received ({@link Work}) before the bytes are echoed; 0 is a plain echo. Prints {@code PORT <n>}, then runs
 * until its standard input closes or reads {@code quit}. Main thread.
 */
public final class LoopsServerMain {
    private LoopsServerMain() {}

    /**
     * Starts the server. Main thread.
     *
     * @param args kind, loops and work
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LoopsServerMain <asyncore|asyncore-handoff|netty|netty-epoll> <loops> <work>");
            System.exit(2);
        }
        String kind = args[0].toLowerCase(Locale.ROOT);
        int loops = Integer.parseInt(args[1]);
        int work = Integer.parseInt(args[2]);
        AutoCloseable server;
        int port;
        if (kind.startsWith("asyncore")) {
            AsyncLoopGroup group =
                    AsyncLoopGroup.builder(loops).threadName("asyncore-bench").build();
            GroupServer s = new GroupServer(
                    group,
                    (channel, peer, map) ->
                            work == 0 ? new EchoHandler(channel, map) : new WorkEcho(channel, map, work));
            s.setSpread(kind.equals("asyncore-handoff") ? GroupServer.Spread.HAND_OFF : GroupServer.Spread.AUTO);
            s.open(new InetSocketAddress("127.0.0.1", 0), 128, true);
            group.start();
            port = ((InetSocketAddress) s.localAddress()).getPort();
            server = () -> group.shutdownGracefully(Duration.ofSeconds(1));
        } else if (kind.equals("netty") || kind.equals("netty-epoll")) {
            NettyTransport transport = NettyTransport.of(kind);
            EventLoopGroup group = transport.group(loops);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                        @Override
                        protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                            ch.pipeline().addLast(new NettyWorkEcho(work));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            port = ((InetSocketAddress) channel.localAddress()).getPort();
            server = () -> {
                channel.close().syncUninterruptibly();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            };
        } else {
            throw new IllegalArgumentException(
                    "unknown kind '" + kind + "': expected asyncore, asyncore-handoff, netty or netty-epoll");
        }
        System.out.println("PORT " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
            // wait for the end of input
        }
        server.close();
        System.exit(0);
    }

    /** The asyncore echo handler with the work done on every byte it reads. Loop thread of its connection. */
    static final class WorkEcho extends EchoHandler {
        private final Work work;

        WorkEcho(SocketChannel channel, DispatcherMap map, int iterations) {
            super(channel, map);
            this.work = new Work(iterations);
        }

        @Override
        public int recv(ByteBuffer dst) throws IOException {
            int n = super.recv(dst);
            if (n > 0) {
                work.received(n);
            }
            return n;
        }
    }

    /** Netty's echo (the same {@code ByteBuf} written back, one flush per read burst) with the same work. */
    static final class NettyWorkEcho extends ChannelInboundHandlerAdapter {
        private final Work work;
        private final boolean working;

        NettyWorkEcho(int iterations) {
            this.work = new Work(iterations);
            this.working = iterations > 0;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (working) {
                work.received(((ByteBuf) msg).readableBytes());
            }
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
