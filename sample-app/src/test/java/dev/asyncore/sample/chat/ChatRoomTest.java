package dev.asyncore.sample.chat;

import java.util.ArrayList;
import java.util.List;

import dev.asyncore.OutputBudget;
import dev.asyncore.ServerStats;
import dev.asyncore.Watermarks;
import dev.asyncore.chat.FrameTooLongException;
import dev.asyncore.testing.EmbeddedConnection;
import dev.asyncore.testing.EmbeddedLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The chat room's protocol, in memory: lines, broadcast, limits and slow consumers, with no socket and no loop thread. */
class ChatRoomTest {

    private final EmbeddedLoop loop = new EmbeddedLoop();
    private final ChatRoom room = new ChatRoom();

    @AfterEach
    void close() {
        loop.close();
    }

    private List<EmbeddedConnection> join(int n) throws Exception {
        List<EmbeddedConnection> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(loop.connect(room::newMember));
        }
        assertThat(room.memberCount()).isEqualTo(n);
        return members;
    }

    @Test
    void eachLineGoesToEveryOtherMemberAndNotBackToItsSender() throws Exception {
        List<EmbeddedConnection> m = join(4);

        m.get(0).writeInbound("hello\r\n");
        assertThat(m.get(0).readOutboundString()).isEmpty();
        for (int i = 1; i < 4; i++) {
            assertThat(m.get(i).readOutboundString()).isEqualTo("hello\n");
        }
        m.get(1).writeInbound("a\nb\n");
        assertThat(m.get(0).readOutboundString()).isEqualTo("a\nb\n");
        assertThat(m.get(1).readOutboundString()).isEmpty();
    }

    @Test
    void aLineSplitAcrossReadsIsBroadcastOnceWhole() throws Exception {
        List<EmbeddedConnection> m = join(2);

        for (char c : "split line\r\n".toCharArray()) {
            m.get(0).writeInbound(String.valueOf(c));
        }
        assertThat(m.get(1).readOutboundString()).isEqualTo("split line\n");
    }

    @Test
    void echoSendsALineBackToItsSenderToo() throws Exception {
        room.setEcho(true);
        List<EmbeddedConnection> m = join(2);

        m.get(0).writeInbound("both\n");
        assertThat(m.get(0).readOutboundString()).isEqualTo("both\n");
        assertThat(m.get(1).readOutboundString()).isEqualTo("both\n");
    }

    @Test
    void aMemberThatLeavesGetsNoMoreLines() throws Exception {
        List<EmbeddedConnection> m = join(3);

        m.get(2).shutdownInbound();
        assertThat(m.get(2).isOpen()).isFalse();
        assertThat(room.memberCount()).isEqualTo(2);
        m.get(0).writeInbound("after\n");
        assertThat(m.get(1).readOutboundString()).isEqualTo("after\n");
        assertThat(m.get(2).readOutboundString()).isEmpty();
    }

    @Test
    void anOverLongLineClosesThatMemberWithTheNamedErrorWhileTheOthersGoOn() throws Exception {
        room.setMaxLineLength(1024);
        List<EmbeddedConnection> m = join(3);

        m.get(0).writeInbound("x".repeat(2000));
        assertThat(m.get(0).isOpen()).isFalse();
        assertThat(room.memberCount()).isEqualTo(2);
        assertThat(loop.logs())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("error: ")
                        .contains(FrameTooLongException.class.getName())
                        .contains("maxFrameLength 1024"));
        m.get(1).writeInbound("still here\n");
        assertThat(m.get(2).readOutboundString()).isEqualTo("still here\n");
    }

    @Test
    void aMemberThatDoesNotReadIsDroppedAsASlowConsumer() throws Exception {
        room.setWatermarks(Watermarks.of(1024, 8192));
        List<EmbeddedConnection> m = join(2);
        EmbeddedConnection slow = m.get(0);
        slow.setWindow(0);

        String line = "y".repeat(99) + "\n";
        for (int i = 0; i < 100 && slow.isOpen(); i++) {
            m.get(1).writeInbound(line);
        }
        assertThat(slow.isOpen()).isFalse();
        assertThat(room.memberCount()).isEqualTo(1);
        assertThat(loop.logs()).anySatisfy(l -> assertThat(l).startsWith("info: closing slow consumer"));
    }

    @Test
    void aMemberClosedByTheOutputBudgetDuringABroadcastLeavesNoOtherMemberServedTwiceOrSkipped() throws Exception {
        room.setWatermarks(Watermarks.of(4096, 16384));
        ServerStats stats = new ServerStats();
        stats.setOutputBudget(new OutputBudget(1000));
        List<EmbeddedConnection> m = join(4);
        EmbeddedConnection sender = m.get(0);
        EmbeddedConnection hoarder = m.get(1);
        m.forEach((member) -> member.countIn(stats));
        hoarder.setWindow(0);
        String first = "x".repeat(899) + "\n";
        sender.writeInbound(first);
        assertThat(stats.queuedBytes())
                .as("the first line, held by the member that does not read")
                .isEqualTo(900);

        EmbeddedConnection late = loop.connect(room::newMember);
        late.countIn(stats);
        late.setWindow(0);
        String second = "y".repeat(199) + "\n";
        sender.writeInbound(second);

        assertThat(hoarder.isOpen())
                .as("the largest holder, closed when the late member's share passed the budget")
                .isFalse();
        assertThat(stats.slowConsumerDrops()).isEqualTo(1);
        assertThat(stats.queuedBytes()).isEqualTo(200);
        late.setWindow(Integer.MAX_VALUE);
        assertThat(late.readOutboundString()).isEqualTo(second);
        assertThat(m.get(2).readOutboundString()).isEqualTo(first + second);
        assertThat(m.get(3).readOutboundString()).isEqualTo(first + second);
        assertThat(room.memberCount()).isEqualTo(4);
    }

    @Test
    void aSenderWhoseEchoIsNotReadStopsBeingReadAtTheHighWatermarkAndLosesNothing() throws Exception {
        room.setEcho(true);
        room.setWatermarks(Watermarks.of(4096, 16384));
        EmbeddedConnection flooder = join(1).get(0);
        ChatRoomHandler handler = flooder.handler(ChatRoomHandler.class);
        flooder.setWindow(0);

        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sent.append("line ").append(i).append('\n');
        }
        flooder.writeInbound(sent.toString());
        assertThat(flooder.channel().inboundBytes())
                .as("input left unread while paused")
                .isPositive();
        assertThat(handler.queuedBytes())
                .isLessThanOrEqualTo(handler.watermarks().high());
        assertThat(handler.peakQueuedBytes())
                .isLessThanOrEqualTo(handler.watermarks().high());

        flooder.setWindow(Integer.MAX_VALUE);
        StringBuilder echoed = new StringBuilder();
        String chunk;
        while (!(chunk = flooder.readOutboundString()).isEmpty()) {
            echoed.append(chunk);
        }
        assertThat(echoed.toString()).isEqualTo(sent.toString());
        assertThat(flooder.channel().inboundBytes()).isZero();
    }
}
