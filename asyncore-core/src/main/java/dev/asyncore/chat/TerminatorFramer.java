package dev.asyncore.chat;

import java.util.Arrays;

/**
 * The input side of an {@link AsyncChat}: splits the bytes read at the terminator (a byte sequence, a byte count or none),
 * keeps a possible terminator prefix for the next read, counts the frame length against the maximum, and hands the pieces
 * and the terminators to the channel's {@code collectIncomingData} and {@code foundTerminator}. Loop thread only.
 */
final class TerminatorFramer {

    private static final int NONE = 0;
    private static final int BYTES = 1;
    private static final int COUNT = 2;
    private static final byte[] EMPTY = new byte[0];

    private final AsyncChat chat;
    private final boolean customGetTerminator;
    private byte[] acInBuffer = EMPTY;
    private int acInLength;
    private boolean inputDiscarded;
    private boolean awaitingTerminator;
    private int terminatorKind = NONE;
    private byte[] terminatorBytes;
    private int terminatorCount;
    private long frameLength;
    private int maxFrameLength = AsyncChat.DEFAULT_MAX_FRAME_LENGTH;

    /** Frames the input of {@code chat}, asking its {@code getTerminator} before each step if a subclass overrides it. */
    TerminatorFramer(AsyncChat chat) {
        this.chat = chat;
        this.customGetTerminator = overridesGetTerminator(chat.getClass());
    }

    /** Sets a byte terminator; null or empty means none. Restarts the frame length. */
    void setTerminator(byte[] terminator) {
        if (terminator == null || terminator.length == 0) {
            terminatorKind = NONE;
            terminatorBytes = terminator == null ? null : EMPTY;
        } else {
            terminatorKind = BYTES;
            terminatorBytes = terminator.clone();
        }
        frameLength = 0;
    }

    /** Sets a byte count as the terminator ({@code count} already checked to be 0 or more). Restarts the frame length. */
    void setTerminator(int count) {
        terminatorKind = COUNT;
        terminatorCount = count;
        frameLength = 0;
    }

    /** The terminator as {@link AsyncChat#getTerminator()} returns it. */
    Object terminator() {
        switch (terminatorKind) {
            case BYTES:
                return terminatorBytes.clone();
            case COUNT:
                return terminatorCount;
            default:
                return terminatorBytes == null ? null : EMPTY.clone();
        }
    }

    /** How many bytes may be collected without finding a byte terminator. */
    int maxFrameLength() {
        return maxFrameLength;
    }

    /** Sets the maximum frame length (already checked to be at least 1). */
    void maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /** The bytes of the frame in progress collected so far without a byte terminator. */
    long frameLength() {
        return frameLength;
    }

    /** Drops the buffered input and the frame in progress; the rest of the current read, if any, is discarded. */
    void discard() {
        acInLength = 0;
        inputDiscarded = true;
        frameLength = 0;
    }

    /**
     * Frames {@code length} bytes of {@code data} after what is buffered; the range is already checked.
     *
     * @throws Exception what the callbacks throw, or {@link FrameTooLongException}
     */
    void feed(byte[] data, int offset, int length) throws Exception {
        byte[] buf = data;
        int start = offset;
        if (acInLength > 0) {
            ensureInCapacity(acInLength + length);
            System.arraycopy(data, offset, acInBuffer, acInLength, length);
            buf = acInBuffer;
            start = 0;
            length += acInLength;
        }
        acInLength = 0;
        inputDiscarded = false;
        int end = start + length;
        int pos = start;
        try {
            pos = frame(buf, start, end);
        } finally {
            keepRemainder(buf, inputDiscarded ? end : pos, end);
        }
    }

    /** A copy of the bytes kept for the next read (a possible terminator prefix). */
    byte[] bufferedInput() {
        return Arrays.copyOf(acInBuffer, acInLength);
    }

    /** Runs asynchat's {@code handle_read} loop over {@code buf[pos, end)}; returns where the unconsumed bytes start. */
    private int frame(byte[] buf, int pos, int end) throws Exception {
        while (pos < end && !inputDiscarded) {
            if (customGetTerminator) {
                loadTerminator(chat.getTerminator());
            }
            int kind = terminatorKind;
            if (kind == BYTES) {
                pos = frameBytes(buf, pos, end, terminatorBytes);
                if (awaitingTerminator) {
                    break;
                }
            } else if (kind == COUNT && terminatorCount > 0) {
                pos = frameCount(buf, pos, end);
            } else {
                chat.collectIncomingData(buf, pos, end - pos);
                pos = end;
            }
        }
        return pos;
    }

    private int frameCount(byte[] buf, int pos, int end) throws Exception {
        int n = terminatorCount;
        int available = end - pos;
        if (available < n) {
            chat.collectIncomingData(buf, pos, available);
            terminatorCount = n - available;
            return end;
        }
        chat.collectIncomingData(buf, pos, n);
        terminatorCount = 0;
        chat.foundTerminator();
        return pos + n;
    }

    /** One step for a byte terminator; returns the new position and sets awaitingTerminator when the rest must wait. */
    private int frameBytes(byte[] buf, int pos, int end, byte[] terminator) throws Exception {
        awaitingTerminator = false;
        int index = indexOf(buf, pos, end, terminator);
        if (index >= 0) {
            int n = index - pos;
            checkFrame(n);
            if (n > 0) {
                chat.collectIncomingData(buf, pos, n);
            }
            frameLength = 0;
            int next = index + terminator.length;
            chat.foundTerminator();
            return next;
        }
        int k = findPrefixAtEnd(buf, pos, end, terminator);
        int n = end - pos - k;
        if (n > 0) {
            checkFrame(n);
            frameLength += n;
            chat.collectIncomingData(buf, pos, n);
        }
        awaitingTerminator = k > 0;
        return end - k;
    }

    private void checkFrame(int n) throws FrameTooLongException {
        long length = frameLength + n;
        if (length > maxFrameLength) {
            frameLength = 0;
            inputDiscarded = true;
            throw new FrameTooLongException(maxFrameLength, length);
        }
    }

    private void keepRemainder(byte[] buf, int pos, int end) {
        int n = end - pos;
        if (n > 0) {
            ensureInCapacity(n);
            System.arraycopy(buf, pos, acInBuffer, 0, n);
        }
        acInLength = n;
    }

    private void ensureInCapacity(int n) {
        if (acInBuffer.length < n) {
            acInBuffer = Arrays.copyOf(acInBuffer, Math.max(n, Math.max(16, acInBuffer.length * 2)));
        }
    }

    private void loadTerminator(Object terminator) {
        if (terminator == null) {
            terminatorKind = NONE;
        } else if (terminator instanceof byte[] bytes) {
            terminatorKind = bytes.length == 0 ? NONE : BYTES;
            terminatorBytes = bytes;
        } else if (terminator instanceof Integer count) {
            terminatorKind = COUNT;
            terminatorCount = count;
        } else {
            throw new IllegalArgumentException("terminator must be byte[], Integer or null, got "
                    + terminator.getClass().getName());
        }
    }

    private static boolean overridesGetTerminator(Class<?> type) {
        try {
            return type.getMethod("getTerminator").getDeclaringClass() != AsyncChat.class;
        } catch (NoSuchMethodException e) {
            // a native image without reflection metadata for this class: ask getTerminator() every step, as Python does
            return true;
        }
    }

    /** Python's {@code find_prefix_at_end} over {@code buf[from, to)}: the longest proper prefix of {@code needle} it ends with. */
    static int findPrefixAtEnd(byte[] buf, int from, int to, byte[] needle) {
        for (int l = Math.min(needle.length - 1, to - from); l > 0; l--) {
            if (Arrays.equals(buf, to - l, to, needle, 0, l)) {
                return l;
            }
        }
        return 0;
    }

    /** Where {@code needle} (non-empty) first occurs in {@code buf[from, to)}, or -1. */
    static int indexOf(byte[] buf, int from, int to, byte[] needle) {
        byte first = needle[0];
        int last = to - needle.length;
        for (int i = from; i <= last; i++) {
            if (buf[i] == first && Arrays.equals(buf, i + 1, i + needle.length, needle, 1, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Returns {@code value} if at least 1, for the settings of {@link AsyncChat}; else throws naming the setting. */
    static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }
}
