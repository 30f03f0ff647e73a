package dev.asyncore.internal.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Reads the {@code server_name} a client asks for (SNI, RFC 6066) from the first TLS records of a connection, before any
 * {@code SSLEngine} exists, so that the engine can be made from the context mapped to that name: what Netty's
 * {@code SniHandler} does, with no provider-specific callback. The records are left where they are, for the engine to
 * read. Loop thread (it keeps one scratch buffer per thread for a ClientHello split across records).
 *
 * <p>Bounded: only handshake records whose first message is a ClientHello of at most {@link #MAX_CLIENT_HELLO} bytes are
 * accepted; anything else fails with an {@link SSLException} that names what was wrong. Bytes are read where they are
 * (absolute reads), so nothing is allocated for a hello that fits in one record but the name itself.
 */
final class ClientHelloParser {

    /** The largest ClientHello (handshake header included) a server waits for before it refuses the connection. */
    static final int MAX_CLIENT_HELLO = 16 * 1024;

    private static final int RECORD_HEADER = 5;
    private static final int MAX_RECORD = 16 * 1024;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;
    private static final int APPLICATION_LAYER_PROTOCOL_NEGOTIATION = 16;
    private static final ThreadLocal<ByteBuffer> JOINED =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_CLIENT_HELLO));

    private ClientHelloParser() {}

    /**
     * Whether {@code in} (write mode: the bytes read so far from position 0) holds the whole ClientHello.
     *
     * @param in the records read so far
     * @return true once the ClientHello is whole; false while more bytes are needed
     * @throws SSLException if the bytes are not TLS handshake records starting with a ClientHello within the limit
     */
    static boolean complete(ByteBuffer in) throws SSLException {
        int read = in.position();
        if (read > 0 && in.get(0) != HANDSHAKE) {
            recordLength(in, 0); // names what came instead
        }
        int p = 0;
        int payload = 0;
        int needed = -1;
        while (p + RECORD_HEADER <= read) {
            int length = recordLength(in, p);
            int available = Math.min(length, read - p - RECORD_HEADER);
            if (needed < 0 && payload + available >= 4) {
                needed = 4 + helloLength(in, p, payload);
            }
            payload += available;
            if (needed >= 0 && payload >= needed) {
                return true;
            }
            p += RECORD_HEADER + length;
        }
        return false;
    }

    /**
     * The host name of the ClientHello's {@code server_name} extension, in lower case, or null when it has none. Call
     * only once {@link #complete} is true.
     *
     * @param in the records read (write mode)
     * @return the host name or null
     * @throws SSLException if the ClientHello is malformed
     */
    static String serverName(ByteBuffer in) throws SSLException {
        return serverName(hello(in));
    }

    /** The host name of a whole hello's {@code server_name} extension, in lower case, or null when it has none. */
    static String serverName(Hello h) throws SSLException {
        int[] body = extension(h.b, h.start, h.end, SERVER_NAME);
        return body == null ? null : hostName(h.b, body[0], body[1]);
    }

    /**
     * The protocols the ClientHello offers in its ALPN extension (RFC 7301), in its order, or null when it has none.
     * Call only once {@link #complete} is true.
     *
     * @param in the records read (write mode)
     * @return the protocols, or null
     * @throws SSLException if the ClientHello is malformed
     */
    static List<String> applicationProtocols(ByteBuffer in) throws SSLException {
        return applicationProtocols(hello(in));
    }

    /** The protocols a whole hello offers with ALPN, in its order, or null when it has none. */
    static List<String> applicationProtocols(Hello h) throws SSLException {
        int[] body = extension(h.b, h.start, h.end, APPLICATION_LAYER_PROTOCOL_NEGOTIATION);
        if (body == null) {
            return null;
        }
        ByteBuffer b = h.b;
        int p = body[0];
        int listEnd = skip(b, p + 2, body[1], uint16(b, need(p, 2, body[1])), "protocol name list");
        p += 2;
        List<String> protocols = new ArrayList<>();
        while (p < listEnd) {
            int length = b.get(p) & 0xff;
            int next = skip(b, p + 1, listEnd, length, "protocol name");
            if (length == 0) {
                throw new SSLException("malformed ClientHello: an empty application protocol name");
            }
            byte[] name = new byte[length];
            b.get(p + 1, name);
            protocols.add(new String(name, StandardCharsets.ISO_8859_1));
            p = next;
        }
        return protocols;
    }

    /**
     * A whole ClientHello's body: in place when its first record holds it, else joined in the thread's buffer (valid until
     * the thread's next hello). Found once per connection, then read for its name and its ALPN offer.
     */
    record Hello(ByteBuffer b, int start, int end) {}

    /** The body of the whole ClientHello in {@code in} (write mode); call only once {@link #complete} is true. */
    static Hello hello(ByteBuffer in) throws SSLException {
        int first = recordLength(in, 0);
        int length = 4 + (first >= 4 ? helloLength(in, 0, 0) : splitHelloLength(in));
        if (length <= first) {
            return new Hello(in, RECORD_HEADER + 4, RECORD_HEADER + length);
        }
        return new Hello(join(in, length), 4, length);
    }

    /** Copies the handshake message's bytes out of their records into the thread's scratch buffer. */
    private static ByteBuffer join(ByteBuffer in, int length) {
        ByteBuffer joined = JOINED.get().clear();
        int p = 0;
        while (joined.position() < length) {
            int take = Math.min(uint16(in, p + 3), length - joined.position());
            joined.put(in.duplicate().limit(p + RECORD_HEADER + take).position(p + RECORD_HEADER));
            p += RECORD_HEADER + uint16(in, p + 3);
        }
        return joined;
    }

    /** The length of the record at {@code p}, after checking that it is a TLS handshake record. */
    private static int recordLength(ByteBuffer in, int p) throws SSLException {
        int type = in.get(p) & 0xff;
        if (type != HANDSHAKE) {
            throw new SSLException("not a TLS handshake record: content type " + type + " where 22 was expected");
        }
        int major = in.get(p + 1) & 0xff;
        if (major != 3) {
            throw new SSLException("not a TLS record: version byte " + major + " where 3 was expected");
        }
        int length = uint16(in, p + 3);
        if (length == 0 || length > MAX_RECORD) {
            throw new SSLException("TLS handshake record of " + length + " bytes: 1 to " + MAX_RECORD + " allowed");
        }
        return length;
    }

    /** The length of the first handshake message, whose 4-byte header starts {@code payload} bytes into the records. */
    private static int helloLength(ByteBuffer in, int record, int payload) throws SSLException {
        if (payload != 0) {
            // the header itself is split across records: read it byte by byte
            return splitHelloLength(in);
        }
        int type = in.get(record + RECORD_HEADER) & 0xff;
        int length = ((in.get(record + RECORD_HEADER + 1) & 0xff) << 16) | uint16(in, record + RECORD_HEADER + 2);
        return checkedHello(type, length);
    }

    private static int splitHelloLength(ByteBuffer in) throws SSLException {
        int[] header = new int[4];
        int got = 0;
        int p = 0;
        while (got < 4) {
            int length = uint16(in, p + 3);
            for (int i = 0; i < length && got < 4; i++) {
                header[got++] = in.get(p + RECORD_HEADER + i) & 0xff;
            }
            p += RECORD_HEADER + length;
        }
        return checkedHello(header[0], (header[1] << 16) | (header[2] << 8) | header[3]);
    }

    private static int checkedHello(int type, int length) throws SSLException {
        if (type != CLIENT_HELLO) {
            throw new SSLException("the first TLS handshake message is of type " + type + ", not a ClientHello (1)");
        }
        if (length + 4 > MAX_CLIENT_HELLO) {
            throw new SSLException(
                    "ClientHello of " + (length + 4) + " bytes is larger than the " + MAX_CLIENT_HELLO + " allowed");
        }
        return length;
    }

    /** Walks the ClientHello body in {@code [p, end)} to the extension of {@code wanted} type: its body's bounds, or null. */
    private static int[] extension(ByteBuffer b, int p, int end, int wanted) throws SSLException {
        p = skip(b, p, end, 2 + 32, "version and random");
        p = skip(b, p + 1, end, b.get(need(p, 1, end)) & 0xff, "session id");
        p = skip(b, p + 2, end, uint16(b, need(p, 2, end)), "cipher suites");
        p = skip(b, p + 1, end, b.get(need(p, 1, end)) & 0xff, "compression methods");
        if (p == end) {
            return null; // no extensions
        }
        int extensionsEnd = skip(b, p + 2, end, uint16(b, need(p, 2, end)), "extensions");
        p += 2;
        while (p < extensionsEnd) {
            int type = uint16(b, need(p, 4, extensionsEnd));
            int length = uint16(b, p + 2);
            int next = skip(b, p + 4, extensionsEnd, length, "extension " + type);
            if (type == wanted) {
                return new int[] {p + 4, next};
            }
            p = next;
        }
        return null;
    }

    /** The first {@code host_name} of a {@code server_name} extension's list in {@code [p, end)}. */
    private static String hostName(ByteBuffer b, int p, int end) throws SSLException {
        int listEnd = skip(b, p + 2, end, uint16(b, need(p, 2, end)), "server name list");
        p += 2;
        while (p < listEnd) {
            int type = b.get(need(p, 3, listEnd)) & 0xff;
            int length = uint16(b, p + 1);
            int next = skip(b, p + 3, listEnd, length, "server name");
            if (type == HOST_NAME) {
                return lowerCaseName(b, p + 3, length);
            }
            p = next;
        }
        return null;
    }

    private static String lowerCaseName(ByteBuffer b, int p, int length) throws SSLException {
        if (length == 0 || length > 255) {
            throw new SSLException("malformed ClientHello: a server name of " + length + " bytes");
        }
        byte[] name = new byte[length];
        for (int i = 0; i < length; i++) {
            int c = b.get(p + i) & 0xff;
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                throw new SSLException("malformed ClientHello: byte " + c + " in the server name");
            }
            name[i] = (byte) c;
        }
        return new String(name, StandardCharsets.US_ASCII);
    }

    /** {@code p}, after checking that {@code n} bytes from it lie before {@code end}. */
    private static int need(int p, int n, int end) throws SSLException {
        if (p + n > end) {
            throw new SSLException("malformed ClientHello: it ends inside a length field");
        }
        return p;
    }

    /** The position {@code length} bytes past {@code p}, after checking that it lies within {@code end}. */
    private static int skip(ByteBuffer b, int p, int end, int length, String what) throws SSLException {
        if (p + length > end) {
            throw new SSLException("malformed ClientHello: its " + what + " run past its end");
        }
        return p + length;
    }

    private static int uint16(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 8) | (b.get(p + 1) & 0xff);
    }
}
