package dev.asyncore.boot;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;

import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.HandlerFactory;

/**
 * A test handler that offloads every line: the call waits for a permit of its {@link Gate} (so a test decides when calls
 * return), then the line comes back in upper case, in order, through {@code pushBlocking}. Loop thread, except the
 * offloaded calls (executor threads).
 */
public final class GatedLineHandler extends AsyncChat {

    private final Gate gate;

    private GatedLineHandler(SocketChannel channel, DispatcherMap map, Gate gate) {
        super(channel, map);
        this.gate = gate;
        setTerminator(new byte[] {'\n'});
    }

    /**
     * A handler factory whose connections wait on {@code gate}.
     *
     * @param gate what the calls wait for
     * @return the factory
     */
    public static HandlerFactory factory(Gate gate) {
        return (channel, peer, map) -> new GatedLineHandler(channel, map, gate);
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        collectIncomingDataDefault(data);
    }

    @Override
    protected void foundTerminator() {
        String line = new String(getData(), StandardCharsets.UTF_8);
        pushBlocking(() -> {
            this.gate.pass(Thread.currentThread());
            return (line.toUpperCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8);
        });
    }

    /** What offloaded calls wait for: permits a test releases. Any thread. */
    public static final class Gate {

        private final Semaphore permits = new Semaphore(0);

        private volatile Thread lastCaller;

        /** Lets {@code n} more calls return. */
        public void open(int n) {
            this.permits.release(n);
        }

        /** Lets every call return from now on. */
        public void openForGood() {
            this.permits.release(Integer.MAX_VALUE / 2);
        }

        /** The thread the last call ran on. */
        public Thread lastCaller() {
            return this.lastCaller;
        }

        void pass(Thread caller) throws InterruptedException {
            this.lastCaller = caller;
            this.permits.acquire();
        }
    }
}
