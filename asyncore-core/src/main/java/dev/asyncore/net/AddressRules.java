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
 * contrast, stops at the first matching {@code allow} or {@code deny}). An address that is not an IP address (a UNIX-domain
 * peer) matches no entry: it is refused when there are allow entries, else admitted.
 */
public final class AddressRules {

    /** Rules with no entries: every address is admitted. */
    public static final AddressRules ALLOW_ALL = new AddressRules(List.of(), List.of());

    private final List<Cidr> allow;
    private final List<Cidr> deny;

    private AddressRules(List<Cidr> allow, List<Cidr> deny) {
        this.allow = allow;
        this.deny = deny;
    }

    /**
     * Parses the entries: each an address ({@code 10.1.2.3}, {@code ::1}) or a network ({@code 10.0.0.0/8},
     * {@code fd00::/8}).
     *
     * @param allow the allow entries; null or empty for "all"
     * @param deny the deny entries; null or empty for "none"
     * @return the rules
     * @throws IllegalArgumentException naming the first invalid entry
     */
    public static AddressRules of(List<String> allow, List<String> deny) {
        return new AddressRules(parse(allow), parse(deny));
    }

    /**
     * Whether a client at this address is admitted.
     *
     * @param address the client's address
     * @return true if admitted
     */
    public boolean allows(SocketAddress address) {
        InetAddress ip = address instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (ip == null) {
            return allow.isEmpty();
        }
        for (Cidr c : deny) {
            if (c.matches(ip)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
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
     * Whether there is no entry at all.
     *
     * @return true if every address is admitted
     */
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    private static List<Cidr> parse(List<String> entries) {
        List<Cidr> parsed = new ArrayList<>();
        if (entries != null) {
            for (String entry : entries) {
                parsed.add(Cidr.parse(entry));
            }
        }
        return List.copyOf(parsed);
    }

    @Override
    public String toString() {
        return "allow " + allow + ", deny " + deny;
    }
}
