package dev.asyncore.bench;

import java.net.InetSocketAddress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * Netty 4.2 echo server on one event loop thread (acceptor and connections share it), on the NIO transport (kind
 * {@code netty}) or the native epoll one ({@code netty-epoll}): writes back the very {@code ByteBuf} it read and flushes
 * once per read burst, the way Netty's own echo example does. Any thread may start or close it; the handler runs on the
 * loop thread.
 */
public final class NettyEchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    /**
     * Starts the server on the loopback address.
     *
     * @param port the port, 0 for any free port
     * @throws InterruptedException when interrupted while binding
     */
    public NettyEchoServer(int port) throws InterruptedException {
        this(port, NettyTransport.NIO);
    }

    /**
     * Starts the server on the loopback address with the given transport.
     *
     * @param port the port, 0 for any free port
     * @param transport NIO or native epoll
     * @throws InterruptedException when interrupted while binding
     */
    public NettyEchoServer(int port, NettyTransport transport) throws InterruptedException {
        group = transport.group(1);
        EchoHandler handler = new EchoHandler();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handler);
                    }
                });
        channel = b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    /**
     * Returns the bound port. Any thread.
     *
     * @return the local port
     */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Closes the listening channel and shuts the loop down. Any thread. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
