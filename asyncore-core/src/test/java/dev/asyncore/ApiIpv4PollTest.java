package dev.asyncore;

/** {@link ApiTestBase} over Ipv4 sockets with poll dispatch (Python's {@code TestAPI_Use...Poll}). */
class ApiIpv4PollTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.IPV4;
    }

    @Override
    boolean usePoll() {
        return true;
    }
}
