package dev.asyncore.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty transport a peer runs on: {@link #NIO}, Netty's default and the JDK selector, or {@link #EPOLL}, Netty's native
 * transport ({@code netty-transport-native-epoll}), which is what a Netty user who cares about speed on Linux runs. Any
 * thread.
 */
enum NettyTransport {
    /** The JDK's NIO selector. */
    NIO,
    /** Netty's JNI epoll transport; fails with the reason when its native library cannot load. */
    EPOLL;

    /** The transport named by a server kind: {@code ...-epoll} is {@link #EPOLL}, anything else {@link #NIO}. */
    static NettyTransport of(String kind) {
        return kind.endsWith("-epoll") ? EPOLL : NIO;
    }

    /** An event loop group of this transport with {@code threads} loops. */
    EventLoopGroup group(int threads) {
        if (this == EPOLL) {
            Epoll.ensureAvailability();
            return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        }
        return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** The listening channel class of this transport. */
    Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The datagram channel class of this transport. */
    Class<? extends DatagramChannel> datagramChannel() {
        return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
