package dev.asyncore.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals strictly and without ever asking a name service. Any thread.
 *
 * <p>{@link InetAddress#getByName(String)} resolves anything that is not a literal, and accepts legacy IPv4 forms such as
 * {@code 10.1} or {@code 0x7f.1}: neither may happen for an address read from a PROXY protocol header or a configuration
 * entry. An IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.1}) gives an {@link java.net.Inet4Address}, as the JDK reports
 * IPv4 peers of a dual-stack socket.
 */
public final class IpLiterals {

    private IpLiterals() {}

    /**
     * Parses a dotted-quad IPv4 literal: four decimal numbers from 0 to 255, without leading zeros ({@code 010} is refused:
     * other parsers read it as octal, so two readers of one text could see two addresses).
     *
     * @param text the literal
     * @return the address
     * @throws IllegalArgumentException if it is not such a literal
     */
    public static InetAddress parseIpv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && value != 0 && value < 1000) {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
            } else if (c == '.' && value >= 0 && part < 3) {
                bytes[part++] = octet(text, value);
                value = -1;
            } else {
                throw invalid(text, "IPv4");
            }
        }
        if (part != 3 || value < 0) {
            throw invalid(text, "IPv4");
        }
        bytes[3] = octet(text, value);
        return byAddress(text, bytes);
    }

    /**
     * Parses an IPv6 literal (without brackets or zone), including the forms with an embedded IPv4 address.
     *
     * @param text the literal
     * @return the address: an {@link java.net.Inet4Address} for an IPv4-mapped literal
     * @throws IllegalArgumentException if it is not such a literal
     */
    public static InetAddress parseIpv6(String text) {
        if (text.indexOf(':') < 0) {
            throw invalid(text, "IPv6");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                throw invalid(text, "IPv6");
            }
        }
        try {
            // A string that contains ':' and only hex digits, ':' and '.' is taken as a literal: never resolved.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw invalid(text, "IPv6");
        }
    }

    /**
     * Parses an IPv4 or IPv6 literal, by whether it contains a colon.
     *
     * @param text the literal
     * @return the address
     * @throws IllegalArgumentException if it is neither
     */
    public static InetAddress parse(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    private static byte octet(String text, int value) {
        if (value > 255) {
            throw invalid(text, "IPv4");
        }
        return (byte) value;
    }

    private static InetAddress byAddress(String text, byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw invalid(text, "IP");
        }
    }

    private static IllegalArgumentException invalid(String text, String kind) {
        return new IllegalArgumentException("'" + text + "' is not an " + kind + " address literal");
    }
}
