package dev.asyncore.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.asyncore.DispatcherMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the terminator framing, driven through the same {@code feed} path {@code handleRead} uses after a read.
 * Payloads are drawn from a small alphabet so that terminators and their prefixes occur often.
 */
class AsyncChatFramingPropertiesTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterProperty
    void closeMap() {
        map.close();
    }

    /** Random splits of the input into reads give the same frames and terminator events as one read. */
    @Property(tries = 1000)
    void splittingTheInputDoesNotChangeTheEvents(@ForAll("scenarios") Scenario scenario) throws Exception {
        RecordingChat whole = scenario.newChat(map);
        whole.feed(scenario.input, 0, scenario.input.length);

        RecordingChat split = scenario.newChat(map);
        feedSplit(split, scenario);

        assertThat(RecordingChat.merged(split.events)).isEqualTo(RecordingChat.merged(whole.events));
        assertThat(split.bufferedInput()).isEqualTo(whole.bufferedInput());
        assertThat(split.getTerminator()).isEqualTo(whole.getTerminator());
    }

    /** For the same reads, the events match a transcription of Python's handle_read exactly, piece for piece. */
    @Property(tries = 1000)
    void eventsMatchPythonsHandleReadExactly(@ForAll("scenarios") Scenario scenario) throws Exception {
        RecordingChat chat = scenario.newChat(map);
        PythonFramingModel model = new PythonFramingModel(scenario.terminator, scenario.next);
        int from = 0;
        for (int cut : scenario.cuts) {
            chat.feed(scenario.input, from, cut - from);
            model.handleRead(Arrays.copyOfRange(scenario.input, from, cut));
            from = cut;
        }
        assertThat(chat.events).isEqualTo(model.events);
        assertThat(chat.bufferedInput()).isEqualTo(model.buffered());
    }

    private static void feedSplit(RecordingChat chat, Scenario scenario) throws Exception {
        int from = 0;
        for (int cut : scenario.cuts) {
            chat.feed(scenario.input, from, cut - from);
            from = cut;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<byte[]> input = Arbitraries.bytes().between((byte) 'a', (byte) 'd').array(byte[].class).ofMaxSize(300);
        Arbitrary<List<Object>> next = terminators().list().ofMaxSize(4);
        return Combinators.combine(input, terminators(), next, Arbitraries.integers().between(0, 1_000_000).list().ofMaxSize(40))
                .as(Scenario::new);
    }

    /** Byte terminators of length 1 to 4, byte counts, and none. */
    static Arbitrary<Object> terminators() {
        Arbitrary<Object> bytes = Arbitraries.bytes().between((byte) 'a', (byte) 'd').array(byte[].class).ofMinSize(1).ofMaxSize(4)
                .map(b -> (Object) b);
        Arbitrary<Object> count = Arbitraries.integers().between(0, 40).map(n -> (Object) n);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, bytes), net.jqwik.api.Tuple.of(3, count), net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
    }

    /** One input, its first terminator, the terminators foundTerminator switches to, and the read boundaries. */
    static final class Scenario {
        final byte[] input;
        final Object terminator;
        final List<Object> next;
        final int[] cuts;

        Scenario(byte[] input, Object terminator, List<Object> next, List<Integer> rawCuts) {
            this.input = input;
            this.terminator = terminator;
            this.next = next;
            List<Integer> cuts = new ArrayList<>();
            for (int raw : rawCuts) {
                cuts.add(input.length == 0 ? 0 : raw % (input.length + 1));
            }
            cuts.add(input.length);
            this.cuts = cuts.stream().mapToInt(Integer::intValue).sorted().toArray();
        }

        RecordingChat newChat(DispatcherMap map) {
            RecordingChat chat = new RecordingChat(map);
            RecordingChat.applyTerminator(chat, terminator);
            chat.nextTerminators.addAll(next);
            return chat;
        }

        @Override
        public String toString() {
            return "input=" + new String(input, java.nio.charset.StandardCharsets.ISO_8859_1) + " terminator=" + describe(terminator)
                    + " next=" + next.stream().map(Scenario::describe).toList() + " cuts=" + Arrays.toString(cuts);
        }

        private static String describe(Object t) {
            return t instanceof byte[] b ? "'" + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) + "'" : String.valueOf(t);
        }
    }
}
