package dev.asyncore.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.asyncore.proxy.ProxyHeaders.concat;
import static dev.asyncore.proxy.ProxyHeaders.tlv;
import static dev.asyncore.proxy.ProxyHeaders.v1;
import static dev.asyncore.proxy.ProxyHeaders.v2;
import static dev.asyncore.proxy.ProxyHeaders.v2Inet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ProxyHeaderParser} on headers laid out by hand from the protocol's specification, fed in every possible split. */
class ProxyHeaderParserTest {

    private static final byte[] PAYLOAD = "hello after the header\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V4_SRC = {(byte) 192, 0, 2, 1};
    private static final byte[] V4_DST = {(byte) 198, 51, 100, 2};
    private static final byte[] V6_SRC = bytes("2001:db8::1");
    private static final byte[] V6_DST = bytes("2001:db8::2");

    private static byte[] bytes(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress inet(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Feeds header + payload in one buffer: returns the header and checks that exactly the payload is left. */
    private static ProxyHeader parseWhole(byte[] header) throws ProxyHeaderException {
        ByteBuffer in = ByteBuffer.wrap(concat(header, PAYLOAD));
        ProxyHeader parsed = new ProxyHeaderParser().feed(in);
        assertThat(parsed).isNotNull();
        assertThat(in.position()).isEqualTo(header.length);
        return parsed;
    }

    private static ProxyHeaderException failure(byte[] header) {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        try {
            parser.feed(ByteBuffer.wrap(header));
        } catch (ProxyHeaderException e) {
            return e;
        }
        throw new AssertionError("accepted " + new String(header, StandardCharsets.ISO_8859_1));
    }

    @Test
    void v1Tcp4() throws ProxyHeaderException {
        ProxyHeader h = parseWhole(v1("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443"));
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.command()).isEqualTo(ProxyHeader.Command.PROXY);
        assertThat(h.source()).isEqualTo(inet("192.0.2.1", 56324));
        assertThat(h.destination()).isEqualTo(inet("198.51.100.2", 443));
    }

    @Test
    void v1Tcp6() throws ProxyHeaderException {
        ProxyHeader h = parseWhole(v1("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535"));
        assertThat(h.source()).isEqualTo(inet("2001:db8::1", 1));
        assertThat(h.destination()).isEqualTo(inet("2001:db8::2", 65535));
    }

    @Test
    void v1LongestHeaderIsAccepted() throws ProxyHeaderException {
        String all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] header = v1("PROXY TCP6 " + all + " " + all + " 65535 65535");
        assertThat(header.length).isEqualTo(104);
        assertThat(parseWhole(header).source()).isEqualTo(inet(all, 65535));
        byte[] unknown = v1("PROXY UNKNOWN " + "x".repeat(ProxyHeaderParser.V1_MAX_LENGTH - 16));
        assertThat(unknown.length).isEqualTo(ProxyHeaderParser.V1_MAX_LENGTH);
        assertThat(parseWhole(unknown).source()).isNull();
    }

    @Test
    void v1UnknownUsesTheConnectionsAddress() throws ProxyHeaderException {
        SocketAddress peer = inet("127.0.0.1", 9);
        ProxyHeader shortest = parseWhole(v1("PROXY UNKNOWN"));
        assertThat(shortest.source()).isNull();
        assertThat(shortest.sourceOr(peer)).isEqualTo(peer);
        ProxyHeader withAddresses = parseWhole(v1("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2"));
        assertThat(withAddresses.sourceOr(peer)).isEqualTo(peer);
    }

    @Test
    void v1MalformedHeadersAreRefusedWithTheReason() {
        assertThat(failure("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not a PROXY protocol header");
        assertThat(failure(v1("PROXX TCP4 1.2.3.4 5.6.7.8 1 2"))).hasMessageContaining("not a PROXY protocol header");
        assertThat(failure(v1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2"))).hasMessageContaining("unknown protocol 'TCP5'");
        assertThat(failure(v1("PROXY TCP4 1.2.3.4 5.6.7.8 1"))).hasMessageContaining("expected 'PROXY TCP4");
        assertThat(failure(v1("PROXY TCP4 1.2.3.4  5.6.7.8 1 2"))).hasMessageContaining("expected 'PROXY TCP4");
        assertThat(failure(v1("PROXY TCP4 1.2.3.4 2001:db8::1 1 2"))).hasMessageContaining("'2001:db8::1'");
        assertThat(failure(v1("PROXY TCP6 1.2.3.4 2001:db8::1 1 2"))).hasMessageContaining("'1.2.3.4'");
        assertThat(failure(v1("PROXY TCP4 1.2.3.256 5.6.7.8 1 2"))).hasMessageContaining("'1.2.3.256'");
        assertThat(failure(v1("PROXY TCP4 10.1 5.6.7.8 1 2"))).hasMessageContaining("'10.1'");
        assertThat(failure(v1("PROXY TCP4 localhost 5.6.7.8 1 2"))).hasMessageContaining("'localhost'");
        assertThat(failure(v1("PROXY TCP6 cafe 2001:db8::1 1 2"))).hasMessageContaining("'cafe'");
        assertThat(failure(v1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2"))).hasMessageContaining("65536");
        assertThat(failure(v1("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2"))).hasMessageContaining("'-1' is not a port");
        assertThat(failure("PROXY UNKNOWN\n".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not printable");
        assertThat(failure("PROXY UNKNOWN\rX".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("CR not followed by LF");
        byte[] tooLong = ("PROXY UNKNOWN " + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII);
        assertThat(failure(tooLong)).hasMessageContaining("no CRLF within 107 bytes");
    }

    @Test
    void v1LeadingZerosAreRefusedAsOtherParsersReadThemAsOctal() throws ProxyHeaderException {
        assertThat(failure(v1("PROXY TCP4 010.066.001.001 198.51.100.2 56324 443")))
                .hasMessageContaining("'010.066.001.001' is not an IPv4 address literal");
        assertThat(failure(v1("PROXY TCP4 192.0.2.1 198.51.100.2 01234 443")))
                .hasMessageContaining("'01234' is not a port");
        assertThat(failure(v1("PROXY TCP4 192.0.2.1 198.51.100.2 56324 0443"))).hasMessageContaining("'0443'");
        assertThat(failure(v1("PROXY TCP4 192.0.2.1 198.51.100.2 00 443"))).hasMessageContaining("'00'");
        assertThat(failure(v1("PROXY TCP4 192.0.2.1 198.51.100.2 65536 443"))).hasMessageContaining("above 65535");
        ProxyHeader zeros = parseWhole(v1("PROXY TCP4 0.0.0.0 198.51.100.2 0 65535"));
        assertThat(zeros.source()).isEqualTo(inet("0.0.0.0", 0));
        assertThat(zeros.destination()).isEqualTo(inet("198.51.100.2", 65535));
    }

    @Test
    void v2DgramIsRefusedOnAStreamConnection() throws ProxyHeaderException {
        byte[] stream = v2Inet(V4_SRC, V4_DST, 56324, 443, new byte[0]);
        byte[] dgram = stream.clone();
        dgram[13] = 0x12;
        assertThat(failure(dgram)).hasMessageContaining("transport DGRAM (0x12)");
        byte[] dgram6 = v2(0x21, 0x22, new byte[36]);
        assertThat(failure(dgram6)).hasMessageContaining("DGRAM");
        assertThat(parseWhole(v2(0x20, 0x12, new byte[12])).command()).isEqualTo(ProxyHeader.Command.LOCAL);
        assertThat(parseWhole(stream).source()).isEqualTo(inet("192.0.2.1", 56324));
    }

    @Test
    void v2Ipv4WithTlvsSkipped() throws ProxyHeaderException {
        byte[] tlvs = concat(
                tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII)),
                tlv(0x04, new byte[300]),
                tlv(0x03, new byte[] {1, 2, 3, 4}));
        ProxyHeader h = parseWhole(v2Inet(V4_SRC, V4_DST, 56324, 443, tlvs));
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.command()).isEqualTo(ProxyHeader.Command.PROXY);
        assertThat(h.source()).isEqualTo(inet("192.0.2.1", 56324));
        assertThat(h.destination()).isEqualTo(inet("198.51.100.2", 443));
    }

    @Test
    void v2Ipv6() throws ProxyHeaderException {
        ProxyHeader h = parseWhole(v2Inet(V6_SRC, V6_DST, 65535, 7, new byte[0]));
        assertThat(h.source()).isEqualTo(inet("2001:db8::1", 65535));
        assertThat(h.destination()).isEqualTo(inet("2001:db8::2", 7));
    }

    @Test
    void v2UnixPaths() throws ProxyHeaderException {
        byte[] block = new byte[216];
        byte[] src = "/run/client.sock".getBytes(StandardCharsets.UTF_8);
        byte[] dst = "/run/haproxy.sock".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(src, 0, block, 0, src.length);
        System.arraycopy(dst, 0, block, 108, dst.length);
        ProxyHeader h = parseWhole(v2(0x21, 0x31, block));
        assertThat(h.source()).isEqualTo(UnixDomainSocketAddress.of("/run/client.sock"));
        assertThat(h.destination()).isEqualTo(UnixDomainSocketAddress.of("/run/haproxy.sock"));
    }

    @Test
    void v2LocalAndUnspecUseTheConnectionsAddress() throws ProxyHeaderException {
        SocketAddress peer = inet("127.0.0.1", 9);
        ProxyHeader empty = parseWhole(v2(0x20, 0x00, new byte[0]));
        assertThat(empty.command()).isEqualTo(ProxyHeader.Command.LOCAL);
        assertThat(empty.sourceOr(peer)).isEqualTo(peer);
        // a LOCAL header may still carry an address block: it is skipped, not used
        byte[] withAddresses = v2Inet(V4_SRC, V4_DST, 1, 2, tlv(0xEE, new byte[5]));
        withAddresses[12] = 0x20;
        ProxyHeader local = parseWhole(withAddresses);
        assertThat(local.command()).isEqualTo(ProxyHeader.Command.LOCAL);
        assertThat(local.source()).isNull();
        ProxyHeader unspec = parseWhole(v2(0x21, 0x00, new byte[] {9, 9, 9}));
        assertThat(unspec.command()).isEqualTo(ProxyHeader.Command.PROXY);
        assertThat(unspec.sourceOr(peer)).isEqualTo(peer);
    }

    @Test
    void v2MalformedHeadersAreRefusedWithTheReason() {
        byte[] good = v2Inet(V4_SRC, V4_DST, 1, 2, new byte[0]);
        byte[] badSignature = good.clone();
        badSignature[7] = 'q';
        assertThat(failure(badSignature)).hasMessageContaining("not a PROXY protocol header");
        byte[] version1 = good.clone();
        version1[12] = 0x11;
        assertThat(failure(version1)).hasMessageContaining("version 1, expected 2");
        byte[] command = good.clone();
        command[12] = 0x22;
        assertThat(failure(command)).hasMessageContaining("unknown command 2");
        byte[] family = good.clone();
        family[13] = 0x41;
        assertThat(failure(family)).hasMessageContaining("unknown address family and transport 0x41");
        byte[] transport = good.clone();
        transport[13] = 0x13;
        assertThat(failure(transport)).hasMessageContaining("0x13");
        assertThat(failure(v2(0x21, 0x21, new byte[12]))).hasMessageContaining("declares 12 bytes of addresses");
        assertThat(failure(v2(0x21, 0x31, new byte[100]))).hasMessageContaining("needs 216");
        assertThat(failure(v2(0x21, 0x11, new byte[5000]))).hasMessageContaining("more than the limit of 4096");
        assertThat(new ProxyHeaderParser(65551).maxLength()).isEqualTo(65551);
        assertThatThrownBy(() -> new ProxyHeaderParser(100)).hasMessageContaining("100");
    }

    @Test
    void truncatedHeadersWaitForMore() throws ProxyHeaderException {
        for (byte[] header : headers()) {
            ProxyHeaderParser parser = new ProxyHeaderParser();
            ByteBuffer in = ByteBuffer.wrap(header, 0, header.length - 1);
            assertThat(parser.feed(in)).isNull();
            assertThat(in.hasRemaining()).isFalse();
            assertThat(parser.maxRead()).isEqualTo(1);
            assertThat(parser.header()).isNull();
        }
    }

    @Test
    void aHeaderSplitAtEveryOffsetGivesTheSameResult() throws ProxyHeaderException {
        for (byte[] header : headers()) {
            ProxyHeader whole = parseWhole(header);
            byte[] stream = concat(header, PAYLOAD);
            for (int split = 0; split <= header.length; split++) {
                ProxyHeaderParser parser = new ProxyHeaderParser();
                ByteBuffer first = ByteBuffer.wrap(Arrays.copyOfRange(stream, 0, split));
                ProxyHeader early = parser.feed(first);
                assertThat(early).isEqualTo(split == header.length ? whole : null);
                ByteBuffer rest = ByteBuffer.wrap(Arrays.copyOfRange(stream, split, stream.length));
                assertThat(parser.feed(rest)).as("split at %d", split).isEqualTo(whole);
                assertThat(rest.remaining()).isEqualTo(PAYLOAD.length);
            }
        }
    }

    @Test
    void readingNoMoreThanMaxReadNeverPassesTheHeader() throws ProxyHeaderException {
        Random random = new Random(16);
        for (byte[] header : headers()) {
            byte[] stream = concat(header, PAYLOAD);
            for (int run = 0; run < 200; run++) {
                ProxyHeaderParser parser = new ProxyHeaderParser();
                int pos = 0;
                int reads = 0;
                while (parser.header() == null) {
                    int max = parser.maxRead();
                    assertThat(max).isPositive();
                    int n = run == 0 ? max : 1 + random.nextInt(max);
                    ByteBuffer chunk = ByteBuffer.wrap(stream, pos, n);
                    parser.feed(chunk);
                    assertThat(chunk.hasRemaining()).isFalse();
                    pos += n;
                    reads++;
                }
                assertThat(pos).isEqualTo(header.length);
                assertThat(parser.maxRead()).isZero();
                if (run == 0 && header.length > 100) {
                    System.out.printf("header of %d bytes read in %d reads of maxRead() bytes%n", header.length, reads);
                }
            }
        }
    }

    @Test
    void aCompleteParserConsumesNothingMore() throws ProxyHeaderException {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        ProxyHeader h = parser.feed(ByteBuffer.wrap(v1("PROXY UNKNOWN")));
        ByteBuffer more = ByteBuffer.wrap(PAYLOAD);
        assertThat(parser.feed(more)).isSameAs(h);
        assertThat(more.position()).isZero();
    }

    private static List<byte[]> headers() {
        byte[] unix = new byte[216];
        unix[0] = '/';
        unix[1] = 'a';
        unix[108] = '/';
        unix[109] = 'b';
        String all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        return List.of(
                v1("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443"),
                v1("PROXY TCP4 1.1.1.1 2.2.2.2 1 2"),
                v1("PROXY TCP6 2001:db8::1 2001:db8::2 1234 5678"),
                v1("PROXY TCP6 " + all + " " + all + " 65535 65535"),
                v1("PROXY UNKNOWN"),
                v1("PROXY UNKNOWN 1.2.3.4 5.6.7.8 9 10"),
                v2Inet(V4_SRC, V4_DST, 56324, 443, tlv(0x01, new byte[] {'h', '2'})),
                v2Inet(V6_SRC, V6_DST, 1, 2, tlv(0x05, new byte[700])),
                v2(0x21, 0x31, unix),
                v2(0x20, 0x00, new byte[0]));
    }
}
