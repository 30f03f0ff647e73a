package dev.asyncore.chat;

import java.io.IOException;
import java.net.SocketAddress;

import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.ServerDispatcher;

/**
 * A line-based chat server: every connection joins one {@link ChatRoom}, and each line a member sends is broadcast to the
 * other members. Built on {@link AsyncChat}, so lines are bounded ({@link ChatRoom#setMaxLineLength(int)}) and so is each
 * member's output. Loop thread, as {@code Dispatcher}; build it on any thread before its loop runs.
 *
 * <pre>{@code
 * ChatRoomServer server = new ChatRoomServer(new InetSocketAddress("127.0.0.1", 0), map);
 * Asyncore.loop(null, false, map);
 * }</pre>
 */
public class ChatRoomServer extends ServerDispatcher {

    /** The accept backlog. */
    public static final int DEFAULT_BACKLOG = 128;

    private final ChatRoom room;

    /**
     * Listens on {@code address} with a new, empty room.
     *
     * @param address where to listen (port 0 picks a free port)
     * @param map the map; null means the default map
     * @throws IOException if the address cannot be bound
     */
    public ChatRoomServer(SocketAddress address, DispatcherMap map) throws IOException {
        this(address, map, new ChatRoom());
    }

    /**
     * Listens on {@code address}; connections join {@code room}.
     *
     * @param address where to listen (port 0 picks a free port)
     * @param map the map; null means the default map
     * @param room the room members join
     * @throws IOException if the address cannot be bound
     */
    public ChatRoomServer(SocketAddress address, DispatcherMap map, ChatRoom room) throws IOException {
        super(map, room::newMember);
        this.room = room;
        open(address, DEFAULT_BACKLOG);
    }

    /**
     * Returns the room of this server. Any thread (its own confinement applies).
     *
     * @return the room
     */
    public ChatRoom room() {
        return room;
    }
}
