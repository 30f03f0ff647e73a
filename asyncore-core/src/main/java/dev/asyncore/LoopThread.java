package dev.asyncore;

/**
 * The thread of an {@link AsyncLoop}: its own type, so that {@link AsyncLoop#isLoopThread(Thread)} (and through it a
 * BlockHound integration) can tell loop threads from every other thread without relying on their names. Any thread.
 */
final class LoopThread extends Thread {

    private final AsyncLoop loop;

    LoopThread(AsyncLoop loop, Runnable body, String name) {
        super(body, name);
        this.loop = loop;
    }

    /** The loop this thread runs. */
    AsyncLoop loop() {
        return loop;
    }
}
