package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * Runs one UDP echo server in this process: {@code java -cp benchmarks.jar dev.asyncore.bench.UdpServerMain <kind>}.
 *
 * <p>Kinds: {@code netty} (Netty 4.2, one NIO loop, {@link NioDatagramChannel}), {@code netty-epoll} (Netty's native
 * epoll transport, {@code EpollDatagramChannel}, with {@code MAX_DATAGRAM_PAYLOAD_SIZE} set so that it reads with
 * {@code recvmmsg}, up to {@value #BATCH} datagrams a call, and writes a flushed burst with {@code sendmmsg}) and
 * {@code asyncore}
 * ({@link DatagramServer} with {@link DatagramHandler#echo()} on an {@link AsyncLoop}). Binds 127.0.0.1 on a free port,
 * prints {@code PORT <n>} and runs until killed. The C server ({@code udp_echo.c}) is launched by {@link UdpCompare}.
 */
public final class UdpServerMain {
    /** Datagrams per {@code recvmmsg} call of {@code netty-epoll}, as the C server's batch. */
    static final int BATCH = 64;

    private static final int SLOT = 2048;

    private UdpServerMain() {}

    /**
     * Starts the server named by {@code args[0]}. Main thread.
     *
     * @param args the kind
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        String kind = args.length == 1 ? args[0].toLowerCase(Locale.ROOT) : "";
        int port;
        switch (kind) {
            case "netty", "netty-epoll" -> port = netty(NettyTransport.of(kind));
            case "asyncore" -> port = asyncore();
            default -> {
                System.err.println("usage: UdpServerMain <netty|netty-epoll|asyncore>");
                System.exit(2);
                return;
            }
        }
        System.out.println("PORT " + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static int asyncore() throws Exception {
        DispatcherMap map = new DispatcherMap();
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        server.open(new InetSocketAddress("127.0.0.1", 0));
        AsyncLoop loop = AsyncLoop.builder(map)
                .threadName("asyncore-udp")
                .timeout(Duration.ofSeconds(1))
                .build();
        loop.start();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static int netty(NettyTransport transport) throws InterruptedException {
        EventLoopGroup group = transport.group(1);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.datagramChannel());
        if (transport == NettyTransport.EPOLL) {
            bootstrap
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SLOT * BATCH));
        }
        Channel channel = bootstrap
                .handler(new Echo())
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Sharable
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
