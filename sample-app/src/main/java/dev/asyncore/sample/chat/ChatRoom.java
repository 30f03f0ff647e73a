package dev.asyncore.sample.chat;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.DispatcherMap;
import dev.asyncore.Watermarks;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.FrameTooLongException;

/**
 * The members of a line-based chat room and the broadcast between them: each line a member sends goes to every other member
 * (and back to the sender too when {@link #setEcho(boolean) echo} is on).
 *
 * <p>A member whose output queue has reached its high watermark when a line for it arrives is a slow consumer: it is closed
 * (logged at type {@code info}) so that it cannot make the server buffer without end; the sender's own reading is paused by
 * {@link AsyncChat}'s watermarks instead.
 *
 * <p>Thread confinement: loop thread, except the settings (any thread before the loop runs) and {@link #memberCount()}
 * (any thread).
 */
public final class ChatRoom {

    private final List<ChatRoomHandler> members = new ArrayList<>();
    private volatile int memberCount;
    private volatile boolean echo;
    private volatile int maxLineLength = AsyncChat.DEFAULT_MAX_FRAME_LENGTH;
    private volatile Watermarks watermarks = AsyncChat.DEFAULT_WATERMARKS;

    /** Creates an empty room. Any thread. */
    public ChatRoom() {}

    /**
     * Makes the member that serves an accepted connection; a {@link dev.asyncore.handler.HandlerFactory}. Loop thread.
     *
     * @param channel the accepted channel
     * @param address the peer's address
     * @param map the server's map
     * @return the new member, already in the room and in {@code map}
     */
    public ChatRoomHandler newMember(SocketChannel channel, SocketAddress address, DispatcherMap map) {
        return new ChatRoomHandler(channel, map, this);
    }

    void join(ChatRoomHandler member) {
        members.add(member);
        memberCount = members.size();
    }

    void leave(ChatRoomHandler member) {
        if (members.remove(member)) {
            memberCount = members.size();
        }
    }

    /** Sends {@code line} (which ends with its newline) to every member but the sender, or to all with echo on. */
    void broadcast(ChatRoomHandler sender, ByteBuffer line) {
        for (int i = members.size() - 1; i >= 0; i--) {
            if (i >= members.size()) {
                continue;
            }
            ChatRoomHandler member = members.get(i);
            if (member == sender && !echo) {
                continue;
            }
            if (member != sender && member.queuedBytes() >= member.watermarks().high()) {
                member.dropSlowConsumer();
                continue;
            }
            line.rewind();
            member.deliver(line);
        }
    }

    /**
     * Returns a copy of the current members. Loop thread.
     *
     * @return the members, in joining order
     */
    public List<ChatRoomHandler> members() {
        return new ArrayList<>(members);
    }

    /**
     * Returns how many members the room has. Any thread.
     *
     * @return the member count
     */
    public int memberCount() {
        return memberCount;
    }

    /**
     * Sets whether a member's lines are sent back to it too (a line echo). Default false. Any thread; applies to later lines.
     *
     * @param echo whether to echo lines to their sender
     */
    public void setEcho(boolean echo) {
        this.echo = echo;
    }

    /**
     * Sets the longest line (without its newline) a member may send; a longer one closes that member with
     * {@link FrameTooLongException}. Default {@value AsyncChat#DEFAULT_MAX_FRAME_LENGTH}. Any thread; applies to members
     * that join later.
     *
     * @param maxLineLength the limit in bytes, at least 1
     * @throws IllegalArgumentException if {@code maxLineLength} is less than 1
     */
    public void setMaxLineLength(int maxLineLength) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be at least 1, got " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
    }

    /**
     * Sets the output watermarks of members that join later (see {@link AsyncChat#setWatermarks(Watermarks)}). Any thread.
     *
     * @param watermarks the watermarks
     */
    public void setWatermarks(Watermarks watermarks) {
        this.watermarks = java.util.Objects.requireNonNull(watermarks, "watermarks");
    }

    void configure(ChatRoomHandler member) {
        member.setMaxFrameLength(maxLineLength);
        member.setWatermarks(watermarks);
    }
}
