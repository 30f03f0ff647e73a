package dev.asyncore.bench;

import java.io.DataInputStream;
import java.util.List;
import javax.net.ssl.SSLSocket;

import dev.asyncore.TlsProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's TLS echo servers echo over the same protocol and cipher, with the benchmark's client context. */
class TlsEchoServersTest {

    @Test
    void everyTlsServerEchoesWithTheSameProtocolAndCipher() throws Exception {
        try (ServerMain.RunningServer asyncore = new AsyncoreTlsEchoServer(0, TlsProvider.JDK);
                ServerMain.RunningServer asyncoreOpenSsl = new AsyncoreTlsEchoServer(0, TlsProvider.OPENSSL);
                ServerMain.RunningServer netty = new NettyTlsEchoServer(0);
                ServerMain.RunningServer nettyOpenSsl = new NettyTlsEchoServer(0, true)) {
            for (int port : List.of(asyncore.port(), asyncoreOpenSsl.port(), netty.port(), nettyOpenSsl.port())) {
                try (SSLSocket s =
                        (SSLSocket) BenchTls.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
                    s.setSoTimeout(20_000);
                    if (port == nettyOpenSsl.port() || port == asyncoreOpenSsl.port()) {
                        // BoringSSL does not let a server restrict TLS 1.3 suites: the benchmark's clients offer only
                        // the one suite, as TlsCompare's and tls_load do.
                        s.setEnabledCipherSuites(new String[] {BenchTls.CIPHER});
                    }
                    byte[] payload = new byte[100_000];
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] = (byte) i;
                    }
                    s.getOutputStream().write(payload);
                    s.getOutputStream().flush();
                    byte[] got = new byte[payload.length];
                    new DataInputStream(s.getInputStream()).readFully(got);
                    assertThat(got).isEqualTo(payload);
                    assertThat(s.getSession().getProtocol()).isEqualTo(BenchTls.PROTOCOL);
                    assertThat(s.getSession().getCipherSuite()).isEqualTo(BenchTls.CIPHER);
                }
            }
        }
    }
}
