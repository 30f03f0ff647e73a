package dev.asyncore;

/** {@link ApiTestBase} over Ipv4 sockets with select dispatch (Python's {@code TestAPI_Use...Select}). */
class ApiIpv4SelectTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.IPV4;
    }

    @Override
    boolean usePoll() {
        return false;
    }
}
