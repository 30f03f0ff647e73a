package dev.asyncore.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds PROXY protocol headers byte by byte, as the protocol's specification lays them out, for the tests. */
public final class ProxyHeaders {

    /** The 12-byte v2 signature. */
    public static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {}

    /**
     * A v1 line.
     *
     * @param line the line without CRLF
     * @return the bytes with CRLF
     */
    public static byte[] v1(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A v2 header.
     *
     * @param versionCommand byte 13: 0x21 for PROXY, 0x20 for LOCAL
     * @param familyTransport byte 14: 0x11 TCP over IPv4, 0x21 TCP over IPv6, 0x31 UNIX stream, 0x00 unspecified
     * @param payload the address block and TLVs
     * @return the header
     */
    public static byte[] v2(int versionCommand, int familyTransport, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionCommand);
        out.write(familyTransport);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xff);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * A v2 PROXY header for TCP over IPv4.
     *
     * @param src source address, 4 bytes
     * @param dst destination address, 4 bytes
     * @param srcPort source port
     * @param dstPort destination port
     * @param tlvs TLV bytes to append
     * @return the header
     */
    public static byte[] v2Inet(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] tlvs) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(src);
        payload.writeBytes(dst);
        payload.write(srcPort >> 8);
        payload.write(srcPort & 0xff);
        payload.write(dstPort >> 8);
        payload.write(dstPort & 0xff);
        payload.writeBytes(tlvs);
        return v2(0x21, src.length == 4 ? 0x11 : 0x21, payload.toByteArray());
    }

    /**
     * One TLV.
     *
     * @param type the type
     * @param value the value
     * @return type, 2-byte length, value
     */
    public static byte[] tlv(int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length & 0xff);
        out.writeBytes(value);
        return out.toByteArray();
    }

    /**
     * Concatenates arrays.
     *
     * @param parts the arrays
     * @return one array
     */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
