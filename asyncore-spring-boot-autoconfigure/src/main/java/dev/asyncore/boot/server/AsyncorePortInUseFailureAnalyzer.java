package dev.asyncore.boot.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AsyncoreServerBindException}: which server, which property and value, and how to free or change the port.
 *
 * <p>Called by Spring Boot on the thread whose startup failed.
 */
public class AsyncorePortInUseFailureAnalyzer extends AbstractFailureAnalyzer<AsyncoreServerBindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, AsyncoreServerBindException cause) {
        String name = cause.getServerName();
        SocketAddress address = cause.getAddress();
        String where = AsyncoreServerBindException.describe(address);
        boolean inUse = findCause(cause, BindException.class) != null;
        if (address instanceof UnixDomainSocketAddress unix) {
            String property = "asyncore.servers." + name + ".path";
            return new FailureAnalysis(
                    "asyncore server '" + name + "' could not bind the UNIX-domain socket " + where + " (" + property
                            + "=" + where + "): " + cause.getCause().getMessage() + ".",
                    "Delete the stale socket file " + unix.getPath() + " if no process uses it, or set " + property
                            + " to another path.",
                    cause);
        }
        int port = address instanceof InetSocketAddress inet ? inet.getPort() : -1;
        String property = "asyncore.servers." + name + ".port";
        if (inUse) {
            return new FailureAnalysis(
                    "asyncore server '" + name + "' could not bind " + where + " (" + property + "=" + port
                            + "): the port is already in use.",
                    "Stop the process that is listening on port " + port + ", or set " + property
                            + " to another port (0 picks a free one).",
                    cause);
        }
        return new FailureAnalysis(
                "asyncore server '" + name + "' could not listen on " + where + " (" + property + "=" + port
                        + ", asyncore.servers." + name + ".address): "
                        + cause.getCause().getMessage() + ".",
                "Check asyncore.servers." + name + ".address and " + property
                        + ": the address must belong to this machine and the port must be free and allowed.",
                cause);
    }
}
