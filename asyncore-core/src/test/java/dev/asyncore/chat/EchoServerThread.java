package dev.asyncore.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code echo_server} fixture of test_asynchat: a blocking server thread on 127.0.0.1 that accepts one connection,
 * reads one byte at a time until it has seen {@code QUIT\n}, removes it, optionally waits for {@link #startResend}, then
 * echoes everything back in {@code chunkSize} pieces and closes.
 */
final class EchoServerThread extends Thread implements AutoCloseable {

    static final byte[] SERVER_QUIT = "QUIT\n".getBytes(StandardCharsets.ISO_8859_1);

    final ServerSocket socket;
    final int chunkSize;
    volatile CountDownLatch startResend;
    volatile byte[] received = new byte[0];
    private volatile Socket connection;

    EchoServerThread(int chunkSize) throws IOException {
        super("asynchat-echo-server");
        this.chunkSize = chunkSize;
        socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        setDaemon(true);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    @Override
    public void run() {
        try (Socket conn = socket.accept()) {
            connection = conn;
            byte[] buffer = collectUntilQuit(conn.getInputStream());
            received = buffer;
            CountDownLatch latch = startResend;
            if (latch != null && !latch.await(10, TimeUnit.SECONDS)) {
                return;
            }
            resend(conn.getOutputStream(), buffer);
        } catch (IOException | InterruptedException e) {
            // the client may be gone already (test_close_when_done): Python's fixture ignores this too
        } finally {
            closeQuietly();
        }
    }

    private byte[] collectUntilQuit(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        while (indexOf(buffer.toByteArray(), SERVER_QUIT) < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            buffer.write(b);
        }
        byte[] data = buffer.toByteArray();
        int quit = indexOf(data, SERVER_QUIT);
        if (quit >= 0) {
            byte[] rest = Arrays.copyOfRange(data, quit + SERVER_QUIT.length, data.length);
            data = Arrays.copyOf(data, quit + rest.length);
            System.arraycopy(rest, 0, data, quit, rest.length);
        }
        return data;
    }

    private void resend(OutputStream out, byte[] data) throws IOException, InterruptedException {
        for (int i = 0; i < data.length; i += chunkSize) {
            out.write(data, i, Math.min(chunkSize, data.length - i));
            out.flush();
            // pace the echo as Python's fixture does (time.sleep(0.001)), so that the client sees many small reads
            Thread.sleep(1);
        }
    }

    private static int indexOf(byte[] data, byte[] needle) {
        for (int i = 0; i + needle.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private void closeQuietly() {
        try {
            socket.close();
            Socket conn = connection;
            if (conn != null) {
                conn.close();
            }
        } catch (IOException ignored) {
            // closing on the way out
        }
    }

    /** Stops the server if still running and waits for the thread. */
    @Override
    public void close() {
        CountDownLatch latch = startResend;
        if (latch != null) {
            latch.countDown();
        }
        closeQuietly();
        try {
            join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
