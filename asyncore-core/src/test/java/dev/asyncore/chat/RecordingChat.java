package dev.asyncore.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.DispatcherMap;

/**
 * An {@link AsyncChat} without a socket that records its framing events, for tests that feed bytes directly. In
 * {@link #foundTerminator()} it switches to the next terminator of {@link #nextTerminators}, if any.
 */
class RecordingChat extends AsyncChat {

    static final String FOUND = "F";

    final List<String> events = new ArrayList<>();
    final List<Object> nextTerminators = new ArrayList<>();
    private int nextIndex;

    RecordingChat(DispatcherMap map) {
        super(map);
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        events.add("D:" + new String(data, StandardCharsets.ISO_8859_1));
    }

    @Override
    protected void foundTerminator() {
        events.add(FOUND);
        if (nextIndex < nextTerminators.size()) {
            applyTerminator(this, nextTerminators.get(nextIndex++));
        }
    }

    void feed(String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        feed(data, 0, data.length);
    }

    static void applyTerminator(AsyncChat chat, Object terminator) {
        if (terminator instanceof Integer count) {
            chat.setTerminator(count);
        } else {
            chat.setTerminator((byte[]) terminator);
        }
    }

    /** Merges consecutive data events: how the data is chunked is not part of the framing contract. */
    static List<String> merged(List<String> events) {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            int last = out.size() - 1;
            if (e.startsWith("D:") && last >= 0 && out.get(last).startsWith("D:")) {
                out.set(last, out.get(last) + e.substring(2));
            } else {
                out.add(e);
            }
        }
        return out;
    }
}
