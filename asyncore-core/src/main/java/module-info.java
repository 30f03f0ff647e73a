/**
 * Python's asyncore and asynchat on Java NIO: the API packages are exported; {@code dev.asyncore.internal.*} (the loop,
 * selection, timers, transports and TLS) is not. The jar works on the class path as well, where Boot applications run.
 */
module dev.asyncore {
    requires static reactor.blockhound;
    requires static org.conscrypt;

    exports dev.asyncore;
    exports dev.asyncore.chat;
    exports dev.asyncore.handler;
    exports dev.asyncore.net;
    exports dev.asyncore.proxy;
    exports dev.asyncore.testing;
    exports dev.asyncore.blockhound;

    provides reactor.blockhound.integration.BlockHoundIntegration with
            dev.asyncore.blockhound.AsyncoreBlockHoundIntegration;
}
