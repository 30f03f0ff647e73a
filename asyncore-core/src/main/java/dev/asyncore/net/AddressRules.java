package dev.asyncore.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Allow and deny lists of networks applied to a client's address: an address in a deny entry is refused; otherwise, when
 * there are allow entries, only an address in one of them is admitted. With no entries everything is admitted. Immutable;
 * any thread.
 *
 * <p>Deny wins over allow, as in Tomcat's {@code RemoteCidrValve}; the order of the entries does not matter (nginx, by
 * contrast, stops at the first matching {@code allow} or {@code deny}).
 *
 * <p>An address that is not an IP address (a UNIX-domain peer, or the {@code AF_UNIX} source of a PROXY v2 header) matches
 * only the entry {@value #UNIX}: with no entries at all it is admitted; otherwise it is admitted only when {@code unix} is
 * an allow entry and not a deny entry. A deny-only list therefore refuses it unless {@code unix} is allowed: a client that
 * can send a header claiming a UNIX-domain source must not slip past a list written for IP addresses.
 */
public final class AddressRules {

    /** The entry that matches UNIX-domain addresses, in either list. */
    public static final String UNIX = "unix";

    /** Rules with no entries: every address is admitted. */
    public static final AddressRules ALLOW_ALL = new AddressRules(List.of(), List.of(), false, false);

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final boolean allowUnix;
    private final boolean denyUnix;

    private AddressRules(List<Cidr> allow, List<Cidr> deny, boolean allowUnix, boolean denyUnix) {
        this.allow = allow;
        this.deny = deny;
        this.allowUnix = allowUnix;
        this.denyUnix = denyUnix;
    }

    /**
     * Parses the entries: each an address ({@code 10.1.2.3}, {@code ::1}), a network ({@code 10.0.0.0/8},
     * {@code fd00::/8}) or {@value #UNIX} for UNIX-domain addresses. Any thread.
     *
     * @param allow the allow entries; null or empty for "all"
     * @param deny the deny entries; null or empty for "none"
     * @return the rules
     * @throws IllegalArgumentException naming the first invalid entry
     */
    public static AddressRules of(List<String> allow, List<String> deny) {
        return new AddressRules(parse(allow), parse(deny), hasUnix(allow), hasUnix(deny));
    }

    /**
     * Whether a client at this address is admitted. Any thread.
     *
     * @param address the client's address
     * @return true if admitted
     */
    public boolean allows(SocketAddress address) {
        InetAddress ip = address instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (ip == null) {
            return isEmpty() || (allowUnix && !denyUnix);
        }
        for (Cidr c : deny) {
            if (c.matches(ip)) {
                return false;
            }
        }
        if (allow.isEmpty() && !allowUnix) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.matches(ip)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether there is no entry at all. Any thread.
     *
     * @return true if every address is admitted
     */
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty() && !allowUnix && !denyUnix;
    }

    private static List<Cidr> parse(List<String> entries) {
        List<Cidr> parsed = new ArrayList<>();
        if (entries != null) {
            for (String entry : entries) {
                if (!isUnix(entry)) {
                    parsed.add(Cidr.parse(entry));
                }
            }
        }
        return List.copyOf(parsed);
    }

    private static boolean hasUnix(List<String> entries) {
        return entries != null && entries.stream().anyMatch(AddressRules::isUnix);
    }

    private static boolean isUnix(String entry) {
        return entry != null && entry.trim().equalsIgnoreCase(UNIX);
    }

    @Override
    public String toString() {
        return "allow " + allow + (allowUnix ? " and unix" : "") + ", deny " + deny + (denyUnix ? " and unix" : "");
    }
}
