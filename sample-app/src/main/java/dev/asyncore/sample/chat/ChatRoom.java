package dev.asyncore.sample.chat;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Watermarks;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.FrameTooLongException;

/**
 * The members of a line-based chat room and the broadcast between them: each line a member sends goes to every other member
 * (and back to the sender too when {@link #setEcho(boolean) echo} is on).
 *
 * <p>A member whose output queue has reached its high watermark when a line for it arrives is a slow consumer: it is closed
 * (logged at type {@code info}, within the rate limit of its server's {@link dev.asyncore.OutputBudget}, and counted there)
 * so that it cannot make the server buffer without end; the server's output budget bounds what all members hold together.
 * The sender's own reading is paused by {@link AsyncChat}'s watermarks instead.
 *
 * <p>Several loops ({@code asyncore.loop.threads}): members live on different loops, and each member's {@code push} must
 * run on its own loop. The room therefore keeps one list of members per map (per loop), touched only by that loop's thread.
 * A line is delivered at once to the members of the sender's loop, and handed once to each other loop where members joined, as
 * a task on that loop ({@link AsyncLoop#execute}) that delivers it to that loop's members. Each line is copied once, out of
 * the sender's buffer, into one array that the output queue of every member, on every loop, shares and nobody changes (a
 * line to 1,000 members is one array, not 1,000 copies); lines from one sender reach every member in the order they were
 * sent.
 *
 * <p>Thread confinement: the loop thread of the member concerned, except the settings (any thread before the loop runs),
 * {@link #memberCount()} and {@link #members()} (any thread).
 */
public final class ChatRoom {

    /** The members of each map: each list is read and written by the thread of that map's loop alone. */
    private final List<Shard> shards = new CopyOnWriteArrayList<>();
    /** Every member, for {@link #members()} and {@link #memberCount()} from any thread; changed on join and leave only. */
    private final List<ChatRoomHandler> all = new CopyOnWriteArrayList<>();

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

    /** Adds a member to the list of its map. The member's loop thread. */
    void join(ChatRoomHandler member) {
        shardOf(member.map(), true).members.add(member);
        all.add(member);
    }

    /** Removes a member from the list of its map (during a delivery, leaves a hole there). The member's loop thread. */
    void leave(ChatRoomHandler member) {
        Shard local = shardOf(member.map(), false);
        int index = local == null ? -1 : local.members.indexOf(member);
        if (index < 0) {
            return;
        }
        if (local.delivering > 0) {
            local.members.set(index, null);
            local.holes = true;
        } else {
            local.members.remove(index);
        }
        all.remove(member);
    }

    private Shard shardOf(DispatcherMap map, boolean create) {
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).map == map) {
                return shards.get(i);
            }
        }
        if (!create) {
            return null;
        }
        synchronized (shards) {
            Shard again = shardOf(map, false);
            if (again != null) {
                return again;
            }
            Shard shard = new Shard(map);
            shards.add(shard);
            return shard;
        }
    }

    /**
     * Sends {@code line} (which ends with its newline) to every member but the sender, or to all with echo on: at once to
     * the members of the sender's loop, through one task per other loop to theirs. The line is copied once, out of the
     * sender's reused buffer, into an array that every member's queue then shares. The sender's loop thread.
     */
    // tag::broadcast[]
    void broadcast(ChatRoomHandler sender, ByteBuffer line) {
        if (!sender.isConnected()) {
            return;
        }
        byte[] shared = new byte[line.rewind().remaining()];
        line.get(shared);
        for (int i = 0; i < shards.size(); i++) {
            Shard shard = shards.get(i);
            AsyncLoop loop = shard.map.owner();
            if (shard.map == sender.map() || loop == null || loop.inEventLoop()) {
                deliver(sender, shared, shard);
                continue;
            }
            handOff(loop, sender, shared, shard);
        }
    }
    // end::broadcast[]

    /** Delivers a line to the members of another loop, on that loop. */
    // tag::hand-off[]
    private void handOff(AsyncLoop loop, ChatRoomHandler sender, byte[] shared, Shard shard) {
        try {
            loop.execute(() -> deliver(sender, shared, shard));
        } catch (RejectedExecutionException ended) {
            // that loop has ended: its members are closed
        }
    }
    // end::hand-off[]

    /**
     * Delivers a line to the members of one map. Members that leave meanwhile (dropped as slow consumers, here or by the
     * server's output budget) leave a hole, removed once the delivery ends, so that no member is skipped or served twice.
     * That map's loop thread.
     */
    private void deliver(ChatRoomHandler sender, byte[] line, Shard shard) {
        List<ChatRoomHandler> members = shard.members;
        shard.delivering++;
        try {
            for (int i = members.size() - 1; i >= 0; i--) {
                ChatRoomHandler member = members.get(i);
                if (member == null || (member == sender && !echo)) {
                    continue;
                }
                if (member != sender
                        && member.queuedBytes() >= member.watermarks().high()) {
                    member.dropSlowConsumer();
                    continue;
                }
                member.deliver(line);
            }
        } finally {
            if (--shard.delivering == 0 && shard.holes) {
                shard.holes = false;
                members.removeIf(Objects::isNull);
            }
        }
    }

    /**
     * Returns a copy of the current members. Any thread; a member's methods are then for its own loop thread.
     *
     * @return the members, in joining order
     */
    public List<ChatRoomHandler> members() {
        return new ArrayList<>(all);
    }

    /**
     * Returns how many members the room has. Any thread.
     *
     * @return the member count
     */
    public int memberCount() {
        return all.size();
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
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
    }

    /** The members of one map, and that map. The list and the counts are confined to the map's loop thread. */
    private static final class Shard {
        final DispatcherMap map;
        final List<ChatRoomHandler> members = new ArrayList<>();
        /** How many deliveries to these members are under way (nested when a delivery closes a member that sends). */
        int delivering;
        /** Whether a member left during a delivery, leaving a null in {@link #members}. */
        boolean holes;

        Shard(DispatcherMap map) {
            this.map = map;
        }
    }

    void configure(ChatRoomHandler member) {
        member.setMaxFrameLength(maxLineLength);
        member.setWatermarks(watermarks);
    }
}
