package dev.asyncore.boot.server;

/** The transport a named server speaks ({@code asyncore.servers.<name>.protocol}). */
public enum ServerProtocol {

    /** A TCP (or UNIX-domain stream) server that listens and accepts connections. */
    TCP,

    /** A UDP server: one bound datagram socket, no connections. */
    UDP
}
