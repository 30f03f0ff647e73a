package dev.asyncore;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** {@link DatagramTestBase} over INET sockets with select dispatch. */
class DatagramIpv4SelectTest extends DatagramTestBase {

    @Override
    ProtocolFamily family() {
        return StandardProtocolFamily.INET;
    }

    @Override
    boolean usePoll() {
        return false;
    }
}
