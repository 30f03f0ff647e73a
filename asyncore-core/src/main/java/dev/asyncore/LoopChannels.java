package dev.asyncore;

import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.concurrent.Callable;

import dev.asyncore.internal.ChannelAccess;
import dev.asyncore.internal.loop.Engine;
import dev.asyncore.internal.loop.Registration;
import dev.asyncore.internal.transport.Transport;

/**
 * The API side of {@link ChannelAccess}: opens a dispatcher's and a map's package-private members to the loop (and a
 * TLS accept to the servers), and nothing else. {@link DispatcherMap} installs the one instance as it initializes. Thread
 * as each method says.
 */
final class LoopChannels implements ChannelAccess {

    static final LoopChannels INSTANCE = new LoopChannels();

    private LoopChannels() {}

    @Override
    public Registration registration(Dispatcher d) {
        return d.registration();
    }

    @Override
    public void setRegistration(Dispatcher d, Registration r) {
        d.setRegistration(r);
    }

    @Override
    public Transport transport(Dispatcher d) {
        return d.transport();
    }

    @Override
    public boolean blockingCallsFull(Dispatcher d) {
        return d.blockingCallsFull();
    }

    @Override
    public long idleTimeoutNanos(Dispatcher d) {
        return d.idleTimeoutNanos();
    }

    @Override
    public void setCloseCause(Dispatcher d, Throwable cause) {
        d.setCloseCause(cause);
    }

    @Override
    public void handleShutdown(Dispatcher d) {
        d.handleShutdown();
    }

    @Override
    public void finishConnectOnly(Dispatcher d) {
        Asyncore.finishConnectOnly(d);
    }

    @Override
    public void flushTransport(Dispatcher d) {
        Asyncore.flushTransport(d);
    }

    @Override
    public void handleErrorRecorded(Dispatcher d, Throwable t) {
        Asyncore.handleErrorRecorded(d, t);
    }

    @Override
    public void contain(Dispatcher d, Throwable t) {
        d.loop().guard().contain(d, t);
    }

    @Override
    public <D extends Dispatcher> D acceptTls(TlsOptions tls, SocketChannel channel, Callable<D> factory)
            throws Exception {
        return tls.acceptWith(channel, factory);
    }

    @Override
    public Engine engine(DispatcherMap map) {
        return map.engine();
    }

    @Override
    public Collection<Registration> registrations(DispatcherMap map) {
        return map.registrations();
    }

    @Override
    public Selector selectorIfOpen(DispatcherMap map) {
        return map.selectorIfOpen();
    }
}
