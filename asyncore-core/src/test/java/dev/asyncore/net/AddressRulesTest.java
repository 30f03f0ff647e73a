package dev.asyncore.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Cidr}, {@link AddressRules} and {@link IpLiterals}: matching, precedence and the entries refused. */
class AddressRulesTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress peer(String literal) {
        return new InetSocketAddress(ip(literal), 40000);
    }

    @Test
    void ipv4Networks() {
        Cidr net = Cidr.parse("10.0.0.0/8");
        assertThat(net.matches(ip("10.255.1.2"))).isTrue();
        assertThat(net.matches(ip("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").matches(ip("192.168.1.200"))).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").matches(ip("192.168.1.127"))).isFalse();
        assertThat(Cidr.parse("127.0.0.2").matches(ip("127.0.0.2"))).isTrue();
        assertThat(Cidr.parse("127.0.0.2").matches(ip("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").matches(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(net);
    }

    @Test
    void ipv6Networks() {
        Cidr net = Cidr.parse("2001:db8::/32");
        assertThat(net.matches(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(net.matches(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("::1").matches(ip("::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").matches(ip("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").matches(ip("fec0::1"))).isFalse();
    }

    @Test
    void familiesDoNotMixButIpv4MappedEntriesMatchIpv4Clients() {
        assertThat(Cidr.parse("0.0.0.0/0").matches(ip("::1"))).isFalse();
        assertThat(Cidr.parse("::/0").matches(ip("127.0.0.1"))).isFalse();
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(mapped.prefix()).isEqualTo(8);
        assertThat(mapped.matches(ip("10.9.8.7"))).isTrue();
        assertThat(Cidr.parse("::ffff:127.0.0.2").matches(ip("127.0.0.2"))).isTrue();
    }

    @Test
    void invalidEntriesAreRefusedNamingTheEntry() {
        for (String entry : List.of(
                "",
                "localhost",
                "10.0.0.256",
                "10.1",
                "10.0.0.0/33",
                "10.0.0.0/",
                "10.0.0.0/x",
                "fe80::/129",
                "fe80::zz",
                "cafe",
                "::ffff:10.0.0.0/64",
                "10.0.0.0/-1",
                "1.2.3.4/0008")) {
            assertThatThrownBy(() -> Cidr.parse(entry))
                    .as(entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'");
        }
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33'");
        assertThatThrownBy(() -> Cidr.parse("localhost")).hasMessageContaining("'localhost' is not an IPv4");
        assertThatThrownBy(() -> AddressRules.of(List.of("10.0.0.0/8", "nope"), List.of()))
                .hasMessageContaining("'nope'");
    }

    @Test
    void denyWinsOverAllow() {
        AddressRules rules = AddressRules.of(List.of("127.0.0.0/8"), List.of("127.0.0.2"));
        assertThat(rules.allows(peer("127.0.0.1"))).isTrue();
        assertThat(rules.allows(peer("127.0.0.2"))).isFalse();
        assertThat(rules.allows(peer("10.0.0.1"))).isFalse();
    }

    @Test
    void denyOnlyAdmitsTheRest() {
        AddressRules rules = AddressRules.of(null, List.of("10.0.0.0/8", "2001:db8::/32"));
        assertThat(rules.allows(peer("10.1.1.1"))).isFalse();
        assertThat(rules.allows(peer("2001:db8::5"))).isFalse();
        assertThat(rules.allows(peer("192.0.2.1"))).isTrue();
        assertThat(rules.allows(peer("::1"))).isTrue();
    }

    @Test
    void noEntriesAdmitEverything() {
        assertThat(AddressRules.ALLOW_ALL.isEmpty()).isTrue();
        assertThat(AddressRules.ALLOW_ALL.allows(peer("203.0.113.9"))).isTrue();
        assertThat(AddressRules.of(List.of(), List.of()).allows(UnixDomainSocketAddress.of("/tmp/x")))
                .isTrue();
    }

    @Test
    void aUnixDomainAddressPassesOnlyWhenNoRulesExistOrUnixIsAllowed() {
        UnixDomainSocketAddress unix = UnixDomainSocketAddress.of("/tmp/x");
        assertThat(AddressRules.of(List.of("0.0.0.0/0"), null).allows(unix)).isFalse();
        assertThat(AddressRules.of(null, List.of("0.0.0.0/0")).allows(unix)).isFalse();
        assertThat(AddressRules.of(null, List.of("10.0.0.0/8")).allows(unix)).isFalse();
        assertThat(AddressRules.of(List.of("unix"), List.of("10.0.0.0/8")).allows(unix))
                .isTrue();
        assertThat(AddressRules.of(List.of(" UNIX "), null).allows(unix)).isTrue();
        assertThat(AddressRules.of(List.of("unix"), List.of("unix")).allows(unix))
                .isFalse();
        assertThat(AddressRules.of(List.of("unix"), null).allows(peer("10.1.2.3")))
                .isFalse();
        assertThat(AddressRules.of(null, List.of("unix")).isEmpty()).isFalse();
    }

    @Test
    void ipv4LiteralsWithLeadingZerosAreRefused() {
        assertThatThrownBy(() -> IpLiterals.parseIpv4("010.066.001.001")).hasMessageContaining("'010.066.001.001'");
        assertThatThrownBy(() -> Cidr.parse("010.0.0.0/8")).hasMessageContaining("IPv4");
        assertThat(IpLiterals.parseIpv4("10.0.0.0")).isEqualTo(ip("10.0.0.0"));
        assertThat(IpLiterals.parseIpv4("0.0.0.0")).isEqualTo(ip("0.0.0.0"));
    }

    @Test
    void literalsAreNeverResolved() {
        assertThatThrownBy(() -> IpLiterals.parse("example.com")).hasMessageContaining("'example.com'");
        assertThatThrownBy(() -> IpLiterals.parseIpv6("1234")).hasMessageContaining("IPv6");
        assertThat(IpLiterals.parse("::ffff:1.2.3.4")).isEqualTo(ip("1.2.3.4"));
        assertThat(IpLiterals.parseIpv4("0.0.0.0")).isEqualTo(ip("0.0.0.0"));
    }
}
