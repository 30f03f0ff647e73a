package dev.asyncore.internal.loop;

import dev.asyncore.AsyncLoop;

/**
 * The thread of an {@link AsyncLoop}: its own type, so that {@link AsyncLoop#isLoopThread(Thread)} (and through it a
 * BlockHound integration) can tell loop threads from every other thread without relying on their names. Any thread.
 */
public final class LoopThread extends Thread {

    private final AsyncLoop loop;

    /** Creates the thread that runs {@code body} for {@code loop}, which it answers. Any thread. */
    public LoopThread(AsyncLoop loop, Runnable body, String name) {
        super(body, name);
        this.loop = loop;
    }

    /** The loop this thread runs. */
    AsyncLoop loop() {
        return loop;
    }
}
