package dev.asyncore;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** {@link DatagramTestBase} over INET6 sockets with select dispatch. */
class DatagramIpv6SelectTest extends DatagramTestBase {

    @Override
    ProtocolFamily family() {
        return StandardProtocolFamily.INET6;
    }

    @Override
    boolean usePoll() {
        return false;
    }
}
