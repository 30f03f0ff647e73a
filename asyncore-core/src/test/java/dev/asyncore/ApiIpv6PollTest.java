package dev.asyncore;

/** {@link ApiTestBase} over Ipv6 sockets with poll dispatch (Python's {@code TestAPI_Use...Poll}). */
class ApiIpv6PollTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.IPV6;
    }

    @Override
    boolean usePoll() {
        return true;
    }
}
