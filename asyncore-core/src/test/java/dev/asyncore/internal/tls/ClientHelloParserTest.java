package dev.asyncore.internal.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The ClientHello parser without sockets: real hellos from the JDK's client engine, whole, byte by byte, split across
 * records, and garbled or truncated ones, which must fail with an {@link SSLException} and nothing else.
 */
class ClientHelloParserTest {

    /** A ClientHello as the JDK's client engine writes it, with SNI {@code serverName} (none for null), offering h2. */
    private static byte[] hello(String serverName) throws Exception {
        return hello(serverName, "h2", "http/1.1");
    }

    /** A ClientHello with SNI {@code serverName} (none for null) offering {@code protocols} with ALPN (none: no ALPN). */
    private static byte[] hello(String serverName, String... protocols) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        params.setApplicationProtocols(protocols);
        engine.setSSLParameters(params);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** The same handshake message re-cut into records of at most {@code size} bytes each. */
    private static byte[] split(byte[] record, int size) {
        int length = record.length - 5;
        ByteBuffer out = ByteBuffer.allocate(length + 5 * (length / size + 1));
        for (int p = 0; p < length; p += size) {
            int n = Math.min(size, length - p);
            out.put(record, 0, 3).putShort((short) n).put(record, 5 + p, n);
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    private static ByteBuffer buffer(byte[] bytes) {
        return ByteBuffer.allocate(HelloStage.HELLO_BUFFER).put(bytes);
    }

    @Test
    void readsTheServerNameOfAWholeHelloInLowerCase() throws Exception {
        ByteBuffer in = buffer(hello("A.Example"));
        assertThat(ClientHelloParser.complete(in)).isTrue();
        assertThat(ClientHelloParser.serverName(in)).isEqualTo("a.example");
        assertThat(in.position()).as("the records stay for the engine").isEqualTo(hello("A.Example").length);
    }

    @Test
    void aHelloWithoutServerNameGivesNull() throws Exception {
        ByteBuffer in = buffer(hello(null));
        assertThat(ClientHelloParser.complete(in)).isTrue();
        assertThat(ClientHelloParser.serverName(in)).isNull();
    }

    @Test
    void readsTheApplicationProtocolsOfferedInTheirOrder() throws Exception {
        ByteBuffer in = buffer(hello("a.example"));
        assertThat(ClientHelloParser.complete(in)).isTrue();
        assertThat(ClientHelloParser.applicationProtocols(in)).containsExactly("h2", "http/1.1");
        ByteBuffer split = buffer(split(hello("a.example"), 50));
        assertThat(ClientHelloParser.complete(split)).isTrue();
        assertThat(ClientHelloParser.applicationProtocols(split)).containsExactly("h2", "http/1.1");
        ByteBuffer none = buffer(hello("a.example", new String[0]));
        assertThat(ClientHelloParser.complete(none)).isTrue();
        assertThat(ClientHelloParser.applicationProtocols(none))
                .as("no ALPN extension")
                .isNull();
    }

    @Test
    void aHelloFedByteByByteIsWholeOnlyWithItsLastByte() throws Exception {
        byte[] bytes = hello("b.example");
        ByteBuffer in = ByteBuffer.allocate(HelloStage.HELLO_BUFFER);
        for (int i = 0; i < bytes.length - 1; i++) {
            in.put(bytes[i]);
            assertThat(ClientHelloParser.complete(in))
                    .as("after %d bytes", i + 1)
                    .isFalse();
        }
        in.put(bytes[bytes.length - 1]);
        assertThat(ClientHelloParser.complete(in)).isTrue();
        assertThat(ClientHelloParser.serverName(in)).isEqualTo("b.example");
    }

    @Test
    void aHelloSplitAcrossRecordsIsJoined() throws Exception {
        byte[] whole = hello("split.example");
        for (int size : new int[] {1, 2, 3, 7, 100, whole.length / 2}) {
            byte[] bytes = split(whole, size);
            if (bytes.length > HelloStage.HELLO_BUFFER) {
                continue; // one-byte records of a large hello do not fit the buffer: refused as an oversized record
            }
            ByteBuffer in = ByteBuffer.allocate(HelloStage.HELLO_BUFFER);
            for (int i = 0; i < bytes.length; i++) {
                assertThat(ClientHelloParser.complete(in))
                        .as("records of %d, %d bytes", size, i)
                        .isFalse();
                in.put(bytes[i]);
            }
            assertThat(ClientHelloParser.complete(in)).isTrue();
            assertThat(ClientHelloParser.serverName(in))
                    .as("records of %d bytes", size)
                    .isEqualTo("split.example");
        }
    }

    @Test
    void whatIsNotAHelloFailsWithAMessageThatNamesIt() {
        assertThatThrownBy(() -> ClientHelloParser.complete(buffer("GET / HTTP/1.1\r\n".getBytes())))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("content type 71");
        assertThatThrownBy(() -> ClientHelloParser.complete(buffer(new byte[] {22, 3, 1, 0, 4, 2, 0, 0, 0})))
                .hasMessageContaining("not a ClientHello");
        assertThatThrownBy(() -> ClientHelloParser.complete(buffer(new byte[] {22, 3, 1, (byte) 0x40, 1})))
                .hasMessageContaining("16385 bytes");
        // a hello that announces 20,000 bytes: refused before they come
        assertThatThrownBy(() -> ClientHelloParser.complete(buffer(new byte[] {22, 3, 1, 0x40, 0, 1, 0, 0x4e, 0x20})))
                .hasMessageContaining("ClientHello of 20004 bytes is larger than the 16384 allowed");
    }

    @Test
    void garbledAndTruncatedHellosFailWithAnSslExceptionOnly() throws Exception {
        byte[] good = hello("fuzz.example");
        Random random = new Random(26);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int length = round % 3 == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            ByteBuffer in = ByteBuffer.allocate(HelloStage.HELLO_BUFFER).put(bytes, 0, length);
            try {
                if (ClientHelloParser.complete(in)) {
                    String name = ClientHelloParser.serverName(in);
                    assertThat(name == null || name.matches("[a-z0-9._-]+")).isTrue();
                    List<String> protocols = ClientHelloParser.applicationProtocols(in);
                    assertThat(protocols == null || protocols.stream().noneMatch(String::isEmpty))
                            .isTrue();
                }
            } catch (SSLException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                fail("round " + round + " escaped with " + e, e);
            }
        }
    }
}
