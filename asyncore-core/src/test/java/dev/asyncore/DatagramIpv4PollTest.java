package dev.asyncore;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** {@link DatagramTestBase} over INET sockets with poll dispatch. */
class DatagramIpv4PollTest extends DatagramTestBase {

    @Override
    ProtocolFamily family() {
        return StandardProtocolFamily.INET;
    }

    @Override
    boolean usePoll() {
        return true;
    }
}
