package dev.asyncore.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.handler.EchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty slow clients, each sending one byte every 100 ms, do not slow a fast client's echo.
 *
 * <p>The bound: while the slow clients are served at least ten times each, each of the fast client's round trips of 64 bytes
 * completes within 500 ms (in practice well under a millisecond on loopback). A loop that served the slow clients in turn, or waited on one
 * of them, would stall the fast client for at least a 100 ms tick per slow client and break it.
 */
class SlowClientsTest extends LoopTestSupport {

    private static final long BOUND_NANOS = 500_000_000L;

    private ScheduledExecutorService ticker;
    private final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        for (Socket s : slow) {
            s.close();
        }
    }

    @Test
    void fastClientIsNotSlowedBySlowOnes() throws Exception {
        EchoServer server = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        startLoop("slow-clients-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        AtomicLong slowEchoed = new AtomicLong();
        for (int i = 0; i < 50; i++) {
            Socket s = new Socket(address.getAddress(), address.getPort());
            s.setSoTimeout(5000);
            slow.add(s);
        }
        ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> tick(slowEchoed), 0, 100, TimeUnit.MILLISECONDS);

        long worst = 0;
        try (Socket fast = new Socket(address.getAddress(), address.getPort())) {
            fast.setTcpNoDelay(true);
            fast.setSoTimeout(5000);
            OutputStream out = fast.getOutputStream();
            InputStream in = fast.getInputStream();
            byte[] msg = new byte[64];
            byte[] back = new byte[64];
            for (int i = 0; slowEchoed.get() < 500 && i < 1_000_000; i++) {
                msg[0] = (byte) i;
                long t0 = System.nanoTime();
                out.write(msg);
                readFully(in, back);
                worst = Math.max(worst, System.nanoTime() - t0);
                assertThat(back).isEqualTo(msg);
            }
        }
        assertThat(slowEchoed.get()).as("slow clients were served meanwhile").isGreaterThanOrEqualTo(500);
        assertThat(worst).as("worst fast round trip, ns").isLessThan(BOUND_NANOS);
    }

    private void tick(AtomicLong echoed) {
        try {
            for (Socket s : slow) {
                s.getOutputStream().write('x');
            }
            for (Socket s : slow) {
                if (s.getInputStream().read() == 'x') {
                    echoed.incrementAndGet();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            if (n < 0) {
                throw new IOException("closed after " + off + " bytes");
            }
            off += n;
        }
    }
}
