package dev.asyncore;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** {@link DatagramTestBase} over INET6 sockets with poll dispatch. */
class DatagramIpv6PollTest extends DatagramTestBase {

    @Override
    ProtocolFamily family() {
        return StandardProtocolFamily.INET6;
    }

    @Override
    boolean usePoll() {
        return true;
    }
}
