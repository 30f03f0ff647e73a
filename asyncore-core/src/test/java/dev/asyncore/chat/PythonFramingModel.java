package dev.asyncore.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A line-by-line transcription of Python's {@code async_chat.handle_read} loop (copying slices as Python does), used as the
 * reference the real framing must match event for event.
 */
final class PythonFramingModel {

    final List<String> events = new ArrayList<>();
    private final List<Object> nextTerminators;
    private int nextIndex;
    private byte[] acInBuffer = new byte[0];
    private Object terminator;

    PythonFramingModel(Object terminator, List<Object> nextTerminators) {
        this.terminator = terminator;
        this.nextTerminators = nextTerminators;
    }

    void handleRead(byte[] data) {
        acInBuffer = concat(acInBuffer, data);
        while (acInBuffer.length > 0) {
            int lb = acInBuffer.length;
            Object term = terminator;
            if (term == null || Integer.valueOf(0).equals(term) || (term instanceof byte[] b && b.length == 0)) {
                collect(acInBuffer);
                acInBuffer = new byte[0];
            } else if (term instanceof Integer n) {
                if (lb < n) {
                    collect(acInBuffer);
                    acInBuffer = new byte[0];
                    terminator = n - lb;
                } else {
                    collect(Arrays.copyOfRange(acInBuffer, 0, n));
                    acInBuffer = Arrays.copyOfRange(acInBuffer, n, lb);
                    terminator = 0;
                    found();
                }
            } else {
                byte[] t = (byte[]) term;
                int index = find(acInBuffer, t);
                if (index != -1) {
                    if (index > 0) {
                        collect(Arrays.copyOfRange(acInBuffer, 0, index));
                    }
                    acInBuffer = Arrays.copyOfRange(acInBuffer, index + t.length, lb);
                    found();
                } else {
                    int k = findPrefixAtEnd(acInBuffer, t);
                    if (k != 0) {
                        if (k != lb) {
                            collect(Arrays.copyOfRange(acInBuffer, 0, lb - k));
                            acInBuffer = Arrays.copyOfRange(acInBuffer, lb - k, lb);
                        }
                        break;
                    }
                    collect(acInBuffer);
                    acInBuffer = new byte[0];
                }
            }
        }
    }

    byte[] buffered() {
        return acInBuffer;
    }

    private void collect(byte[] data) {
        events.add("D:" + new String(data, StandardCharsets.ISO_8859_1));
    }

    private void found() {
        events.add(RecordingChat.FOUND);
        if (nextIndex < nextTerminators.size()) {
            terminator = nextTerminators.get(nextIndex++);
        }
    }

    private static int find(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Python: {@code l = len(needle) - 1; while l and not haystack.endswith(needle[:l]): l -= 1}. */
    private static int findPrefixAtEnd(byte[] haystack, byte[] needle) {
        int l = needle.length - 1;
        while (l > 0 && !endsWith(haystack, Arrays.copyOf(needle, l))) {
            l--;
        }
        return l;
    }

    private static boolean endsWith(byte[] haystack, byte[] suffix) {
        if (suffix.length > haystack.length) {
            return false;
        }
        return Arrays.equals(haystack, haystack.length - suffix.length, haystack.length, suffix, 0, suffix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
