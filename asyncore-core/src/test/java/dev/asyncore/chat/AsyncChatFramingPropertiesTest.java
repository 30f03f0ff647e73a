package dev.asyncore.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the terminator framing, driven through the same {@code feed} path {@code handleRead} uses after a read.
 * Payloads are drawn from a small alphabet so that terminators and their prefixes occur often. Each property runs over
 * 1,000 scenarios from a seeded generator, so a failure names a scenario that reproduces on every run.
 */
class AsyncChatFramingPropertiesTest {

    private final DispatcherMap map = new DispatcherMap();

    private static final int TRIES = 1000;

    @AfterEach
    void closeMap() {
        map.close();
    }

    /** Random splits of the input into reads give the same frames and terminator events as one read. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void splittingTheInputDoesNotChangeTheEvents(Scenario scenario) throws Exception {
        RecordingChat whole = scenario.newChat(map);
        whole.feed(scenario.input, 0, scenario.input.length);

        RecordingChat split = scenario.newChat(map);
        feedSplit(split, scenario);

        assertThat(RecordingChat.merged(split.events)).isEqualTo(RecordingChat.merged(whole.events));
        assertThat(split.bufferedInput()).isEqualTo(whole.bufferedInput());
        assertThat(split.getTerminator()).isEqualTo(whole.getTerminator());
    }

    /** For the same reads, the events match a transcription of Python's handle_read exactly, piece for piece. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void eventsMatchPythonsHandleReadExactly(Scenario scenario) throws Exception {
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

    static Stream<Scenario> scenarios() {
        SplittableRandom random = new SplittableRandom(20261125L);
        return Stream.generate(() -> scenario(random)).limit(TRIES);
    }

    private static Scenario scenario(SplittableRandom random) {
        byte[] input = letters(random, random.nextInt(301));
        List<Object> next = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            next.add(terminator(random));
        }
        List<Integer> cuts = new ArrayList<>();
        for (int i = random.nextInt(41); i > 0; i--) {
            cuts.add(random.nextInt(1_000_001));
        }
        return new Scenario(input, terminator(random), next, cuts);
    }

    /** Byte terminators of length 1 to 4 (six times in ten), byte counts 0 to 40 (three in ten), and none (one in ten). */
    static Object terminator(SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind < 6) {
            return letters(random, 1 + random.nextInt(4));
        }
        return kind < 9 ? (Object) random.nextInt(41) : null;
    }

    private static byte[] letters(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(4));
        }
        return bytes;
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
            return "input=" + new String(input, java.nio.charset.StandardCharsets.ISO_8859_1) + " terminator="
                    + describe(terminator) + " next="
                    + next.stream().map(Scenario::describe).toList() + " cuts=" + Arrays.toString(cuts);
        }

        private static String describe(Object t) {
            return t instanceof byte[] b
                    ? "'" + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) + "'"
                    : String.valueOf(t);
        }
    }
}
