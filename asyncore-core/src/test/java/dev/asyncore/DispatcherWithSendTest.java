package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Python's test_asyncore {@code DispatcherWithSendTests}: sends queued before any loop pass reach the server. */
class DispatcherWithSendTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    /** Python's {@code capture_server}: accepts once, keeps everything but newlines until a newline (3 s cap). */
    static final class CaptureServer extends Thread {
        final ServerSocket serv;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final CountDownLatch accepted = new CountDownLatch(1);

        CaptureServer() throws IOException {
            super("capture-server");
            serv = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            serv.setSoTimeout(3000);
        }

        @Override
        public void run() {
            try (ServerSocket s = serv;
                    Socket conn = s.accept()) {
                accepted.countDown();
                conn.setSoTimeout(100);
                InputStream in = conn.getInputStream();
                byte[] data = new byte[10];
                long start = System.nanoTime();
                int n = 200;
                while (n > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
                    int got;
                    try {
                        got = in.read(data);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (got < 0) {
                        break;
                    }
                    n--;
                    String chunk = new String(data, 0, got, StandardCharsets.ISO_8859_1);
                    buf.writeBytes(chunk.replace("\n", "").getBytes(StandardCharsets.ISO_8859_1));
                    if (chunk.contains("\n")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // as Python: a timeout leaves the buffer empty, and the assertion fails
            }
        }
    }

    /** Python's {@code dispatcherwithsend_noread}. */
    static final class NoRead extends DispatcherWithSend {
        NoRead(DispatcherMap map) {
            super(map);
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public void handleConnect() {}
    }

    @Test
    void send() throws Exception {
        CaptureServer server = new CaptureServer();
        server.start();
        try {
            byte[] data = "Suppose there isn't a 16-ton weight?".getBytes(StandardCharsets.US_ASCII);
            NoRead d = new NoRead(map);
            d.createSocket();
            d.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.serv.getLocalPort()));
            // Python sleeps 0.1 s "to give time for the socket to connect": wait until the server has accepted instead
            assertThat(server.accepted.await(5, TimeUnit.SECONDS)).isTrue();

            // before any loop pass: the connect is not yet announced, and send must not fail (it finishes the connect
            // if it can)
            d.send(data);
            d.send(data);
            d.send("\n".getBytes(StandardCharsets.US_ASCII));

            int n = 1000;
            while (d.outBufferSize() > 0 && n > 0) {
                Asyncore.poll(Duration.ZERO, map);
                n--;
            }
            server.join(5000);
            assertThat(server.isAlive()).isFalse();
            assertThat(server.buf.toString(StandardCharsets.US_ASCII))
                    .isEqualTo(new String(data, StandardCharsets.US_ASCII).repeat(2));
        } finally {
            server.serv.close();
            server.join(5000);
        }
    }

    @Test
    void aSendThatMeetsAResetClosesTheChannelAndLeavesAnEmptyQueue() throws Exception {
        try (ServerSocket serv = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            NoRead d = new NoRead(map);
            d.createSocket();
            d.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serv.getLocalPort()));
            try (Socket conn = serv.accept()) {
                d.send(new byte[1]); // finishes the connect, which the server has accepted
                // the server resets the connection (SO_LINGER 0): the client's next sends meet ECONNRESET or EPIPE
                conn.setSoLinger(true, 0);
            }
            byte[] chunk = new byte[4096];
            // send() queues and writes at once; the write that meets the reset closes the channel (handleClose) inside
            // initiateSend, which must then leave the queue it started from in order, not the one close() put in place
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                d.send(chunk);
                return d.fileno() == null;
            });
            assertThat(d.outBufferSize()).isZero();
        }
    }
}
