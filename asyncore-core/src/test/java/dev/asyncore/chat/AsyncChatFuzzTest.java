package dev.asyncore.chat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the terminator framing with random bytes, terminators (switched at random in {@code foundTerminator}), split points
 * and frame limits: nothing but {@link FrameTooLongException} escapes, and the collected bytes, the terminators found and the
 * bytes still buffered put back together give exactly the input: no byte lost or duplicated.
 */
class AsyncChatFuzzTest {

    private static final int RUNS = 20_000;

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        map.close();
    }

    @Test
    void randomInputTerminatorsAndSplitsLoseAndDuplicateNothing() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int run = 0; run < RUNS; run++) {
            byte[] input = randomBytes(random, random.nextInt(600));
            ReassemblingChat chat = new ReassemblingChat(map, random);
            RecordingChat.applyTerminator(chat, randomTerminator(random));
            int from = 0;
            while (from < input.length) {
                int n = 1 + random.nextInt(Math.min(input.length - from, 1 + random.nextInt(80)));
                chat.feed(input, from, n);
                from += n;
            }
            chat.out.write(chat.bufferedInput());
            assertThat(chat.out.toByteArray()).as("seed %d run %d", seed, run).isEqualTo(input);
        }
    }

    @Test
    void frameLimitRejectsOnlyFramesLongerThanTheLimit() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int rejected = 0;
        for (int run = 0; run < RUNS / 4; run++) {
            byte[] input = randomBytes(random, random.nextInt(600));
            ReassemblingChat chat = new ReassemblingChat(map, random);
            chat.setTerminator(new byte[] {(byte) random.nextInt(4)});
            chat.switchTerminators = false;
            chat.setMaxFrameLength(1 + random.nextInt(60));
            int from = 0;
            try {
                while (from < input.length) {
                    int n = 1 + random.nextInt(input.length - from);
                    chat.feed(input, from, n);
                    from += n;
                }
            } catch (FrameTooLongException e) {
                rejected++;
                assertThat(e.maxFrameLength()).isEqualTo(chat.maxFrameLength());
                assertThat(e.frameLength()).isGreaterThan(e.maxFrameLength());
                assertThat(e.getMessage()).contains("maxFrameLength " + chat.maxFrameLength());
            }
            assertThat(chat.longestFrame).as("seed %d run %d", seed, run).isLessThanOrEqualTo(chat.maxFrameLength());
            byte[] seen = chat.out.toByteArray();
            assertThat(seen)
                    .as("seed %d run %d: a prefix of the input", seed, run)
                    .isEqualTo(Arrays.copyOf(input, seen.length));
        }
        assertThat(rejected).isPositive();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] data = new byte[n];
        // a small alphabet half of the time, so that terminators and their prefixes are frequent
        int alphabet = random.nextBoolean() ? 4 : 256;
        for (int i = 0; i < n; i++) {
            data[i] = (byte) random.nextInt(alphabet);
        }
        return data;
    }

    static Object randomTerminator(Random random) {
        int kind = random.nextInt(10);
        if (kind < 6) {
            return randomBytes(random, 1 + random.nextInt(4));
        }
        if (kind < 9) {
            return random.nextInt(50);
        }
        return null;
    }

    /** Puts the stream back together: collected bytes, plus each byte terminator found. */
    static final class ReassemblingChat extends AsyncChat {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Random random;
        boolean switchTerminators = true;
        long frame;
        long longestFrame;

        ReassemblingChat(DispatcherMap map, Random random) {
            super(map);
            this.random = random;
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            out.writeBytes(data);
            frame += data.length;
            longestFrame = Math.max(longestFrame, frame);
        }

        @Override
        protected void foundTerminator() {
            if (getTerminator() instanceof byte[] terminator) {
                out.writeBytes(terminator);
            }
            frame = 0;
            if (switchTerminators) {
                RecordingChat.applyTerminator(this, randomTerminator(random));
            }
        }
    }
}
