package dev.asyncore.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.Arrays;

import dev.asyncore.net.IpLiterals;

/**
 * Reads one PROXY protocol header, version 1 (text) or 2 (binary), from bytes that may arrive split at any point. One parser
 * per connection; not thread-safe (the loop thread of the connection uses it).
 *
 * <p>{@link #feed(ByteBuffer)} consumes bytes up to the last byte of the header and never past it, so what follows stays
 * in the buffer for the connection's handler. A reader that cannot put bytes back (a socket: Java cannot peek) asks
 * {@link #maxRead()} how many bytes it may read next without reading past the header: up to 16 bytes and then the length
 * the binary header declares, or, for the text header, small steps until its CRLF.
 *
 * <p>Accepted: v1 {@code TCP4}, {@code TCP6} and {@code UNKNOWN} lines of at most 107 bytes, whose addresses are in the
 * canonical form (dotted decimal without leading zeros, which other parsers read as octal) and whose ports are decimal
 * numbers from 0 to 65535 without leading zeros; v2 {@code PROXY} and {@code LOCAL} commands with {@code AF_UNSPEC},
 * {@code AF_INET}, {@code AF_INET6} and {@code AF_UNIX} addresses over the {@code STREAM} or {@code UNSPEC} transport (the
 * header begins a stream connection: {@code DGRAM} is refused for a {@code PROXY} command), whose TLVs are skipped without
 * being stored, and whose declared length is at most {@link #maxLength()}. Anything else is a
 * {@link ProxyHeaderException} naming what was wrong; the first byte already tells a header from a client's own data.
 */
public final class ProxyHeaderParser {

    /** The longest v1 header, CRLF included (from the protocol's specification). */
    public static final int V1_MAX_LENGTH = 107;

    /** The default limit of a v2 header's length: 16 fixed bytes, the addresses and the TLVs. */
    public static final int DEFAULT_MAX_LENGTH = 4096;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V1_SHORTEST = "PROXY UNKNOWN\r\n".length();
    private static final int V2_FIXED = 16;
    private static final int UNIX_PATH = 108;
    private static final int DGRAM = 2;
    private static final int[] ADDRESS_LENGTHS = {0, 12, 36, 2 * UNIX_PATH};

    private final int maxLength;
    private final byte[] buf = new byte[V2_FIXED + 2 * UNIX_PATH];
    private int count;
    private int version;
    private int spaces;
    private int payloadLength;
    private int payloadRead;
    private int storedLength;
    private ProxyHeader header;

    /** Creates a parser with the default v2 length limit ({@value #DEFAULT_MAX_LENGTH} bytes). */
    public ProxyHeaderParser() {
        this(DEFAULT_MAX_LENGTH);
    }

    /**
     * Creates a parser with a v2 length limit.
     *
     * @param maxLength the longest v2 header accepted, in bytes; at least 232 (a header with UNIX-domain addresses)
     * @throws IllegalArgumentException if the limit is below 232 or above 65551
     */
    public ProxyHeaderParser(int maxLength) {
        if (maxLength < buf.length || maxLength > V2_FIXED + 0xffff) {
            throw new IllegalArgumentException(
                    "maxLength must be between " + buf.length + " and " + (V2_FIXED + 0xffff) + ", was " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Consumes bytes from the buffer's position up to the end of the header at most, advancing the position.
     *
     * @param src the bytes read so far and not yet fed
     * @return the header once complete (then again on later calls, consuming nothing), or null if more bytes are needed
     * @throws ProxyHeaderException if the bytes are not a valid PROXY protocol header
     */
    public ProxyHeader feed(ByteBuffer src) throws ProxyHeaderException {
        while (header == null && src.hasRemaining()) {
            if (version == 2 && count == V2_FIXED) {
                payload(src);
            } else {
                accept(src.get());
            }
        }
        return header;
    }

    /**
     * How many bytes may be read next without reading past the end of the header.
     *
     * @return at least 1 while the header is incomplete, 0 once it is complete
     */
    public int maxRead() {
        if (header != null) {
            return 0;
        }
        if (version == 0) {
            return V1_SHORTEST;
        }
        if (version == 2) {
            return count < V2_FIXED ? V2_FIXED - count : payloadLength - payloadRead;
        }
        return v1MaxRead();
    }

    /**
     * The header, once {@link #feed(ByteBuffer)} completed it.
     *
     * @return the header, or null
     */
    public ProxyHeader header() {
        return header;
    }

    /**
     * The longest v2 header this parser accepts.
     *
     * @return the limit in bytes
     */
    public int maxLength() {
        return maxLength;
    }

    private void accept(byte b) throws ProxyHeaderException {
        if (count == 0) {
            if (b == 'P') {
                version = 1;
            } else if (b == V2_SIGNATURE[0]) {
                version = 2;
            } else {
                throw notAHeader();
            }
        }
        buf[count++] = b;
        if (version == 1) {
            v1Byte(b);
        } else {
            v2Byte(b);
        }
    }

    private void v1Byte(byte b) throws ProxyHeaderException {
        int i = count - 1;
        if (i < V1_PREFIX.length) {
            if (b != V1_PREFIX[i]) {
                throw notAHeader();
            }
            spaces = i == V1_PREFIX.length - 1 ? 1 : 0;
            return;
        }
        if (buf[i - 1] == '\r') {
            if (b != '\n') {
                throw new ProxyHeaderException("PROXY v1 header: CR not followed by LF");
            }
            header = parseV1();
            return;
        }
        if (b == ' ') {
            spaces++;
        } else if (b != '\r' && (b < 0x21 || b > 0x7e)) {
            throw new ProxyHeaderException("PROXY v1 header: byte 0x" + Integer.toHexString(b & 0xff) + " at offset "
                    + i + " is not printable ASCII");
        }
        if (count == V1_MAX_LENGTH) {
            throw new ProxyHeaderException("PROXY v1 header: no CRLF within " + V1_MAX_LENGTH + " bytes");
        }
    }

    private int v1MaxRead() {
        byte last = buf[count - 1];
        if (last == '\r') {
            return 1;
        }
        if (count < V1_SHORTEST) {
            return V1_SHORTEST - count;
        }
        int least = 2;
        if (startsWith("PROXY TCP4 ") || startsWith("PROXY TCP6 ")) {
            // each of the fields still to come needs at least one character and the separator before it
            least = (last == ' ' ? 1 : 0) + 2 * Math.max(0, 5 - spaces) + 2;
        }
        return Math.min(least, V1_MAX_LENGTH - count);
    }

    private boolean startsWith(String prefix) {
        if (count < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private ProxyHeader parseV1() throws ProxyHeaderException {
        String line = new String(buf, 0, count - 2, StandardCharsets.US_ASCII);
        String[] parts = line.split(" ", -1);
        String protocol = parts[1];
        if (protocol.equals("UNKNOWN")) {
            return new ProxyHeader(1, ProxyHeader.Command.PROXY, null, null);
        }
        if (!protocol.equals("TCP4") && !protocol.equals("TCP6")) {
            throw new ProxyHeaderException("PROXY v1 header: unknown protocol '" + protocol + "' in '" + line + "'");
        }
        if (parts.length != 6) {
            throw new ProxyHeaderException("PROXY v1 header: expected 'PROXY " + protocol
                    + " <source> <destination> <source port> <destination port>', got '" + line + "'");
        }
        boolean v4 = protocol.equals("TCP4");
        return new ProxyHeader(
                1,
                ProxyHeader.Command.PROXY,
                new InetSocketAddress(v1Address(parts[2], v4, line), v1Port(parts[4], line)),
                new InetSocketAddress(v1Address(parts[3], v4, line), v1Port(parts[5], line)));
    }

    private static InetAddress v1Address(String text, boolean v4, String line) throws ProxyHeaderException {
        try {
            return v4 ? IpLiterals.parseIpv4(text) : IpLiterals.parseIpv6(text);
        } catch (IllegalArgumentException e) {
            throw new ProxyHeaderException("PROXY v1 header: " + e.getMessage() + " in '" + line + "'");
        }
    }

    private static int v1Port(String text, String line) throws ProxyHeaderException {
        if (text.isEmpty()
                || text.length() > 5
                || (text.length() > 1 && text.charAt(0) == '0')
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProxyHeaderException(
                    "PROXY v1 header: '" + text + "' is not a port (decimal, no leading zeros) in '" + line + "'");
        }
        int port = Integer.parseInt(text);
        if (port > 0xffff) {
            throw new ProxyHeaderException("PROXY v1 header: port " + port + " is above 65535 in '" + line + "'");
        }
        return port;
    }

    private void v2Byte(byte b) throws ProxyHeaderException {
        int i = count - 1;
        if (i < V2_SIGNATURE.length) {
            if (b != V2_SIGNATURE[i]) {
                throw notAHeader();
            }
        } else if (i == 12) {
            if ((b & 0xf0) != 0x20) {
                throw new ProxyHeaderException("PROXY v2 header: version " + ((b >> 4) & 0xf) + ", expected 2");
            }
            if ((b & 0x0f) > 1) {
                throw new ProxyHeaderException("PROXY v2 header: unknown command " + (b & 0x0f));
            }
        } else if (i == 13) {
            if (((b >> 4) & 0xf) >= ADDRESS_LENGTHS.length || (b & 0x0f) > 2) {
                throw new ProxyHeaderException(
                        "PROXY v2 header: unknown address family and transport 0x" + Integer.toHexString(b & 0xff));
            }
            if ((b & 0x0f) == DGRAM && (buf[12] & 0x0f) == 1) {
                throw new ProxyHeaderException("PROXY v2 header: transport DGRAM (0x" + Integer.toHexString(b & 0xff)
                        + ") on a stream connection, which only a STREAM or UNSPEC header can describe");
            }
        } else if (i == 15) {
            startPayload(((buf[14] & 0xff) << 8) | (b & 0xff));
        }
    }

    private void startPayload(int length) throws ProxyHeaderException {
        if (V2_FIXED + length > maxLength) {
            throw new ProxyHeaderException(
                    "PROXY v2 header: declares " + (V2_FIXED + length) + " bytes, more than the limit of " + maxLength);
        }
        boolean proxy = (buf[12] & 0x0f) == 1;
        int family = (buf[13] >> 4) & 0xf;
        int needed = ADDRESS_LENGTHS[family];
        if (proxy && length < needed) {
            throw new ProxyHeaderException("PROXY v2 header: declares " + length + " bytes of addresses, family "
                    + family + " needs " + needed);
        }
        payloadLength = length;
        storedLength = proxy ? needed : 0;
        if (length == 0) {
            header = parseV2();
        }
    }

    private void payload(ByteBuffer src) throws ProxyHeaderException {
        int n = Math.min(src.remaining(), payloadLength - payloadRead);
        int store = Math.min(n, Math.max(0, storedLength - payloadRead));
        if (store > 0) {
            src.get(buf, V2_FIXED + payloadRead, store);
        }
        src.position(src.position() + n - store);
        payloadRead += n;
        if (payloadRead == payloadLength) {
            header = parseV2();
        }
    }

    private ProxyHeader parseV2() throws ProxyHeaderException {
        if ((buf[12] & 0x0f) == 0) {
            return new ProxyHeader(2, ProxyHeader.Command.LOCAL, null, null);
        }
        return switch ((buf[13] >> 4) & 0xf) {
            case 1 -> inet(4);
            case 2 -> inet(16);
            case 3 -> new ProxyHeader(2, ProxyHeader.Command.PROXY, unix(V2_FIXED), unix(V2_FIXED + UNIX_PATH));
            default -> new ProxyHeader(2, ProxyHeader.Command.PROXY, null, null);
        };
    }

    private ProxyHeader inet(int size) throws ProxyHeaderException {
        int ports = V2_FIXED + 2 * size;
        return new ProxyHeader(
                2,
                ProxyHeader.Command.PROXY,
                new InetSocketAddress(ip(V2_FIXED, size), port(ports)),
                new InetSocketAddress(ip(V2_FIXED + size, size), port(ports + 2)));
    }

    private InetAddress ip(int from, int size) throws ProxyHeaderException {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(buf, from, from + size));
        } catch (UnknownHostException e) {
            throw new ProxyHeaderException("PROXY v2 header: bad address: " + e.getMessage());
        }
    }

    private int port(int from) {
        return ((buf[from] & 0xff) << 8) | (buf[from + 1] & 0xff);
    }

    private SocketAddress unix(int from) throws ProxyHeaderException {
        int end = from;
        while (end < from + UNIX_PATH && buf[end] != 0) {
            end++;
        }
        try {
            return UnixDomainSocketAddress.of(new String(buf, from, end - from, StandardCharsets.UTF_8));
        } catch (InvalidPathException e) {
            throw new ProxyHeaderException("PROXY v2 header: bad UNIX-domain path: " + e.getMessage());
        }
    }

    private ProxyHeaderException notAHeader() {
        return new ProxyHeaderException(
                "not a PROXY protocol header: the first bytes match neither 'PROXY ' (v1) nor the v2 signature");
    }
}
