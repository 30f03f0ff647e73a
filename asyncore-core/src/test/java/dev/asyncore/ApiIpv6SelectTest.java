package dev.asyncore;

/** {@link ApiTestBase} over Ipv6 sockets with select dispatch (Python's {@code TestAPI_Use...Select}). */
class ApiIpv6SelectTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.IPV6;
    }

    @Override
    boolean usePoll() {
        return false;
    }
}
