package dev.asyncore.boot.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import dev.asyncore.Errno;
import dev.asyncore.SocketAddresses;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AsyncoreServerBindException}: which server, which property and value, and the fix. The reason the
 * operating system gave decides which: a port in use or a port below 1024 without the privilege names the port; an address
 * that is not on this machine names the address; a UNIX-domain path names the path.
 *
 * <p>Called by Spring Boot on the thread whose startup failed.
 */
public class AsyncorePortInUseFailureAnalyzer extends AbstractFailureAnalyzer<AsyncoreServerBindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, AsyncoreServerBindException cause) {
        String name = cause.getServerName();
        SocketAddress address = cause.getAddress();
        String where = SocketAddresses.describe(address);
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
        String portProperty = "asyncore.servers." + name + ".port";
        String addressProperty = "asyncore.servers." + name + ".address";
        String host = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(address);
        Throwable failure = bindFailure(cause);
        String reason = failure.getMessage();
        switch (Errno.classify(failure)) {
            case Errno.EADDRINUSE -> {
                return new FailureAnalysis(
                        "asyncore server '" + name + "' could not bind " + where + " (" + portProperty + "=" + port
                                + "): the port is already in use.",
                        "Stop the process that is listening on port " + port + ", or set " + portProperty
                                + " to another port (0 picks a free one).",
                        cause);
            }
            case Errno.EADDRNOTAVAIL -> {
                return new FailureAnalysis(
                        "asyncore server '" + name + "' could not bind " + where + " (" + addressProperty + "=" + host
                                + "): the address does not belong to this machine (" + reason + ").",
                        "Set " + addressProperty + " to an address of one of this machine's interfaces, 127.0.0.1 for "
                                + "this machine only, or 0.0.0.0 (or remove it) for every interface.",
                        cause);
            }
            case Errno.EACCES -> {
                return new FailureAnalysis(
                        "asyncore server '" + name + "' could not bind " + where + " (" + portProperty + "=" + port
                                + "): permission denied"
                                + (port > 0 && port < 1024
                                        ? "; ports below 1024 need privileges this process does not have."
                                        : "."),
                        "Set " + portProperty + " to a port of 1024 or above (0 picks a free one), or give the process "
                                + "the privilege to bind it (CAP_NET_BIND_SERVICE on Linux).",
                        cause);
            }
            default -> {
                return new FailureAnalysis(
                        "asyncore server '" + name + "' could not listen on " + where + " (" + portProperty + "=" + port
                                + ", " + addressProperty + "=" + host + "): " + reason + ".",
                        "Check " + addressProperty + " and " + portProperty
                                + ": the address must belong to this machine and the port must be free and allowed.",
                        cause);
            }
        }
    }

    /** The failure the operating system reported: the bind exception if there is one, else the direct cause. */
    private Throwable bindFailure(AsyncoreServerBindException cause) {
        BindException bind = findCause(cause, BindException.class);
        return bind != null ? bind : cause.getCause();
    }
}
