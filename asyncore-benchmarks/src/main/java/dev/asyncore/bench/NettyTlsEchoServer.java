package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Netty 4.2 echo server over TLS: {@code SslHandler} with the benchmark's certificate, protocol and cipher, in front of the
 * echo handler of {@link NettyEchoServer}'s shape, on one event loop thread. Two setups: Netty's defaults (the JDK provider
 * on the NIO transport, kind {@code netty-tls}) and Netty at its best (OpenSSL, that is BoringSSL through
 * {@code netty-tcnative-boringssl-static}, on the native epoll transport, kind {@code netty-tls-openssl}), which is what
 * Reactor Netty picks by itself when tcnative is on the class path. Any thread may start or close it.
 */
public final class NettyTlsEchoServer implements ServerMain.RunningServer {
    private final EventLoopGroup group;
    private final Channel channel;

    /**
     * Starts the server on the loopback address.
     *
     * @param port the port, 0 for any free port
     * @throws Exception when the context cannot be built or the port bound
     */
    public NettyTlsEchoServer(int port) throws Exception {
        this(port, false);
    }

    /**
     * Starts the server on the loopback address, on OpenSSL and epoll or on the JDK provider and NIO.
     *
     * @param port the port, 0 for any free port
     * @param openssl true for OpenSSL (BoringSSL) on epoll, false for the JDK provider on NIO
     * @throws Exception when the context cannot be built (OpenSSL: the native library cannot load) or the port bound
     */
    public NettyTlsEchoServer(int port, boolean openssl) throws Exception {
        if (openssl) {
            OpenSsl.ensureAvailability();
        }
        NettyTransport transport = openssl ? NettyTransport.EPOLL : NettyTransport.NIO;
        SslContext ssl;
        try (var cert = BenchTls.open("dev-server.crt");
                var key = BenchTls.open("dev-server.key")) {
            ssl = SslContextBuilder.forServer(cert, key)
                    .sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(BenchTls.PROTOCOL)
                    .ciphers(List.of(BenchTls.CIPHER))
                    .build();
        }
        group = transport.group(1);
        Echo echo = new Echo();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), echo);
                    }
                });
        channel = b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    @Override
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
    private static final class Echo extends ChannelInboundHandlerAdapter {
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
            System.err.println("netty-tls: closing " + ctx.channel() + ": " + cause);
            ctx.close();
        }
    }
}
