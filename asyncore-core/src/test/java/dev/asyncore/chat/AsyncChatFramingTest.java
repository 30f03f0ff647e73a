package dev.asyncore.chat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.asyncore.DispatcherMap;
import dev.asyncore.Watermarks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The terminator framing without sockets: the behaviours the specification verified on Python, case by case. */
class AsyncChatFramingTest {

    private final DispatcherMap map = new DispatcherMap();
    private final RecordingChat chat = new RecordingChat(map);

    @AfterEach
    void closeMap() {
        map.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void terminatorSplitAcrossReadsIsMatchedAndNotLeaked() throws Exception {
        chat.setTerminator(bytes("\r\n"));
        chat.feed("ab\r");
        chat.feed("\ncd\r\n");
        assertThat(chat.events).containsExactly("D:ab", "F", "D:cd", "F");
    }

    @Test
    void threeByteTerminatorArrivingOneByteAtATime() throws Exception {
        chat.setTerminator(bytes("qqq"));
        chat.feed("xq");
        chat.feed("q");
        chat.feed("qy");
        assertThat(chat.events).containsExactly("D:x", "F", "D:y");
    }

    @Test
    void falsePrefixIsHandedOverOnceItCannotBeATerminator() throws Exception {
        chat.setTerminator(bytes("qqq"));
        chat.feed("xqq");
        chat.feed("zq");
        assertThat(chat.events).containsExactly("D:x", "D:qqz");
        assertThat(chat.bufferedInput()).isEqualTo(bytes("q"));
    }

    @Test
    void emptyFrameCallsFoundTerminatorWithoutData() throws Exception {
        chat.setTerminator(bytes("\n"));
        chat.feed("a\n\nb\n");
        assertThat(chat.events).containsExactly("D:a", "F", "F", "D:b", "F");
    }

    @Test
    void numericTerminatorCountsDownAcrossReadsThenCollectsEverything() throws Exception {
        chat.setTerminator(5);
        chat.feed("abc");
        assertThat(chat.getTerminator()).isEqualTo(2);
        chat.feed("defg");
        chat.feed("hi");
        assertThat(chat.events).containsExactly("D:abc", "D:de", "F", "D:fg", "D:hi");
        assertThat(chat.getTerminator()).isEqualTo(0);
    }

    @Test
    void noTerminatorCollectsEverythingAndNeverFindsOne() throws Exception {
        chat.setTerminator((byte[]) null);
        chat.feed("a\nb");
        chat.setTerminator(new byte[0]);
        chat.feed("c\n");
        assertThat(chat.events).containsExactly("D:a\nb", "D:c\n");
        assertThat(chat.getTerminator()).isEqualTo(new byte[0]);
    }

    @Test
    void unsetTerminatorMeansNone() throws Exception {
        assertThat(chat.getTerminator()).isNull();
        chat.feed("a\n");
        assertThat(chat.events).containsExactly("D:a\n");
    }

    @Test
    void terminatorChangedInFoundTerminatorAppliesToBytesAlreadyReceived() throws Exception {
        chat.setTerminator(bytes("\n"));
        chat.nextTerminators.addAll(List.of(3, bytes("\r\n")));
        chat.feed("head\nabcrest\r\nmore");
        assertThat(chat.events).containsExactly("D:head", "F", "D:abc", "F", "D:rest", "F", "D:more");
    }

    @Test
    void overriddenGetTerminatorIsHonoured() throws Exception {
        RecordingChat custom = new RecordingChat(map) {
            @Override
            public Object getTerminator() {
                return bytes(";");
            }
        };
        custom.setTerminator(bytes("\n"));
        custom.feed("a;b\nc;");
        assertThat(custom.events).containsExactly("D:a", "F", "D:b\nc", "F");
    }

    @Test
    void getTerminatorReturnsACopy() {
        byte[] terminator = bytes("\r\n");
        chat.setTerminator(terminator);
        terminator[0] = 'x';
        ((byte[]) chat.getTerminator())[1] = 'y';
        assertThat(chat.getTerminator()).isEqualTo(bytes("\r\n"));
    }

    @Test
    void discardBuffersInsideACallbackStopsTheFraming() throws Exception {
        RecordingChat discarding = new RecordingChat(map) {
            @Override
            protected void foundTerminator() {
                super.foundTerminator();
                discardBuffers();
            }
        };
        discarding.setTerminator(bytes("\n"));
        discarding.feed("a\nb\r");
        discarding.feed("c\n");
        assertThat(discarding.events).containsExactly("D:a", "F", "D:c", "F");
        assertThat(discarding.bufferedInput()).isEmpty();
    }

    @Test
    void frameLongerThanTheLimitFailsNamingTheLimit() throws Exception {
        chat.setTerminator(bytes("\n"));
        chat.setMaxFrameLength(4);
        chat.feed("abcd\n");
        chat.feed("ab");
        assertThatThrownBy(() -> chat.feed("cde\nnext\n"))
                .isInstanceOf(FrameTooLongException.class)
                .hasMessage("frame of 5 bytes without terminator exceeds maxFrameLength 4");
        assertThat(chat.events).containsExactly("D:abcd", "F", "D:ab");
        assertThat(chat.bufferedInput()).isEmpty();
    }

    @Test
    void frameLimitCountsBytesUpToTheTerminatorAcrossReads() throws Exception {
        chat.setTerminator(bytes("\r\n"));
        chat.setMaxFrameLength(4);
        chat.feed("ab");
        chat.feed("cd\r");
        chat.feed("\n");
        assertThat(chat.events).containsExactly("D:ab", "D:cd", "F");
    }

    @Test
    void frameLimitDoesNotApplyToCountsOrNoTerminator() throws Exception {
        chat.setMaxFrameLength(2);
        chat.setTerminator(5);
        chat.feed("abcde");
        chat.setTerminator((byte[]) null);
        chat.feed("fghij");
        assertThat(RecordingChat.merged(chat.events)).containsExactly("D:abcde", "F", "D:fghij");
    }

    @Test
    void findPrefixAtEndFollowsPython() {
        assertThat(AsyncChat.findPrefixAtEnd(bytes("qwerty\r"), bytes("\r\n"))).isEqualTo(1);
        assertThat(AsyncChat.findPrefixAtEnd(bytes("qwertydkjf"), bytes("\r\n")))
                .isZero();
        assertThat(AsyncChat.findPrefixAtEnd(bytes("aqq"), bytes("qqq"))).isEqualTo(2);
        assertThat(AsyncChat.findPrefixAtEnd(bytes(""), bytes("ab"))).isZero();
        assertThat(AsyncChat.findPrefixAtEnd(bytes("a"), bytes("a"))).isZero();
    }

    @Test
    void badSettingsFailNamingTheValue() {
        assertThatThrownBy(() -> chat.setMaxFrameLength(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameLength")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> chat.setWatermarks(Watermarks.of(10, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low=10, high=5");
        assertThatThrownBy(() -> chat.setAcInBufferSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void pushWhileNotConnectedQueuesInOutBufferSizedPiecesAndPausesReadingAtTheHighWatermark() {
        chat.setAcOutBufferSize(4);
        chat.setWatermarks(Watermarks.of(2, 8));
        assertThat(chat.readable()).isTrue();
        chat.push(bytes("abcdefg"));
        assertThat(chat.queuedBytes()).isEqualTo(7);
        assertThat(chat.writable()).isTrue();
        assertThat(chat.readable()).isTrue();
        chat.push(java.nio.ByteBuffer.wrap(bytes("h")));
        assertThat(chat.queuedBytes()).isEqualTo(8);
        assertThat(chat.readable()).isFalse();
        chat.discardBuffers();
        assertThat(chat.queuedBytes()).isZero();
        assertThat(chat.readable()).isTrue();
    }

    @Test
    void gracefulShutdownStopsReadingAndQueuesTheClose() {
        chat.push(bytes("pending"));
        chat.handleShutdown();
        assertThat(chat.readable()).isFalse();
        assertThat(chat.writable()).isTrue();
        assertThat(chat.queuedBytes()).isEqualTo(7);
    }

    @Test
    void simpleProducerSlicesItsData() {
        SimpleProducer producer = new SimpleProducer(bytes("abcdefghij"), 4);
        assertThat(producer.more()).isEqualTo(bytes("abcd"));
        assertThat(producer.more()).isEqualTo(bytes("efgh"));
        assertThat(producer.more()).isEqualTo(bytes("ij"));
        assertThat(producer.more()).isEmpty();
        assertThatThrownBy(() -> new SimpleProducer(bytes("a"), 0)).hasMessageContaining("0");
    }

    @Test
    void simpleProducerHandsOutTheArrayItselfWhenItFitsOneSlice() {
        byte[] line = bytes("one line\n");
        SimpleProducer first = new SimpleProducer(line, 64);
        SimpleProducer second = new SimpleProducer(line, 64);
        assertThat(first.more()).isSameAs(line);
        assertThat(second.more()).as("a broadcast shares one array").isSameAs(line);
        assertThat(first.more()).isEmpty();
        assertThat(first.remaining()).isZero();
    }
}
