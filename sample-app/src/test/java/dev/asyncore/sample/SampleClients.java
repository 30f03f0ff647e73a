package dev.asyncore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Blocking clients of the sample app for its tests: line sockets and HTTP GETs, each with a timeout. */
final class SampleClients {

    /** The longest any test waits for one answer. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private SampleClients() {}

    /** GETs a path of the app's HTTP port, asserts 200, returns the body. */
    static String get(int httpPort, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                URI.create("http://localhost:" + httpPort + path).toURL().openConnection();
        try {
            connection.setConnectTimeout((int) WAIT.toMillis());
            connection.setReadTimeout((int) WAIT.toMillis());
            assertThat(connection.getResponseCode()).as("GET %s", path).isEqualTo(200);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    /** Connects to a loopback port with a read timeout. */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Writes ASCII text. */
    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads up to a newline, dropping it and a {@code \r} before it; fails at end of stream. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of stream after '" + line + "'");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
