package dev.asyncore.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or a single address ({@code 127.0.0.1}, {@code ::1}).
 * Immutable; any thread.
 *
 * <p>IPv4-mapped IPv6 entries ({@code ::ffff:10.0.0.0/104}) are kept as the IPv4 network they denote ({@code 10.0.0.0/8}),
 * so that they match IPv4 clients of a dual-stack socket, which the JDK reports as IPv4 addresses. Bits past the prefix are
 * ignored, as nginx does: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses an address or a network. Never resolves a name.
     *
     * @param text {@code address} or {@code address/prefix}
     * @return the network
     * @throws IllegalArgumentException naming the entry when it is not an IP literal with a prefix in range
     */
    public static Cidr parse(String text) {
        String entry = text == null ? "" : text.trim();
        int slash = entry.indexOf('/');
        String literal = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address = IpLiterals.parse(literal);
        boolean ipv6Text = literal.indexOf(':') >= 0;
        int bits = ipv6Text ? 128 : 32;
        int prefix = slash < 0 ? bits : prefix(entry, entry.substring(slash + 1), bits);
        if (ipv6Text && address instanceof Inet4Address) {
            if (prefix < 96) {
                throw new IllegalArgumentException(
                        "'" + entry + "': an IPv4-mapped network needs a prefix of 96 or more");
            }
            prefix -= 96;
        }
        byte[] network = address.getAddress();
        mask(network, prefix);
        return new Cidr(network, prefix, entry);
    }

    /**
     * Whether the address lies in this network. An IPv4 network never matches an IPv6 address, nor the other way round.
     *
     * @param address the address
     * @return true if it matches
     */
    public boolean matches(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (bytes[full] & m) == (network[full] & m);
    }

    /**
     * The prefix length, in bits of the address family the network is kept in.
     *
     * @return the prefix length
     */
    public int prefix() {
        return prefix;
    }

    private static int prefix(String entry, String digits, int bits) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + entry + "': the prefix length must be a number from 0 to " + bits);
        }
        int prefix = Integer.parseInt(digits);
        if (prefix > bits) {
            throw new IllegalArgumentException("'" + entry + "': the prefix length must be a number from 0 to " + bits);
        }
        return prefix;
    }

    private static void mask(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** The entry as it was written. */
    @Override
    public String toString() {
        return text;
    }
}
