package dev.asyncore.boot.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each reason a bind fails gets its own description and names the property that fixes it. The exceptions come from real
 * binds where this machine can produce them; "permission denied" is the JDK's text for a port below 1024 bound without
 * the privilege, which a test running with that privilege cannot provoke.
 */
class AsyncorePortInUseFailureAnalyzerTests {

    private final AsyncorePortInUseFailureAnalyzer analyzer = new AsyncorePortInUseFailureAnalyzer();

    @Test
    void portInUseNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            FailureAnalysis analysis = analyze(address, bindFailure(address));
            assertThat(analysis.getDescription())
                    .contains("(asyncore.servers.echo.port=" + taken.getLocalPort() + "): the port is already in use.");
            assertThat(analysis.getAction()).contains("or set asyncore.servers.echo.port to another port");
        }
    }

    @Test
    void foreignAddressNamesTheAddress() throws Exception {
        InetSocketAddress address = new InetSocketAddress("192.0.2.1", 7007);
        FailureAnalysis analysis = analyze(address, bindFailure(address));
        assertThat(analysis.getDescription())
                .isEqualTo(
                        "asyncore server 'echo' could not bind 192.0.2.1:7007 (asyncore.servers.echo.address=192.0.2.1):"
                                + " the address does not belong to this machine (Cannot assign requested address).");
        assertThat(analysis.getAction()).startsWith("Set asyncore.servers.echo.address to an address of one of");
    }

    @Test
    void permissionDeniedBelow1024NamesThePortAndThePrivilege() {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 80);
        FailureAnalysis analysis = analyze(address, new BindException("Permission denied"));
        assertThat(analysis.getDescription())
                .isEqualTo(
                        "asyncore server 'echo' could not bind 127.0.0.1:80 (asyncore.servers.echo.port=80): permission"
                                + " denied; ports below 1024 need privileges this process does not have.");
        assertThat(analysis.getAction())
                .isEqualTo("Set asyncore.servers.echo.port to a port of 1024 or above (0 picks a free one), or give the"
                        + " process the privilege to bind it (CAP_NET_BIND_SERVICE on Linux).");
    }

    private FailureAnalysis analyze(InetSocketAddress address, Exception failure) {
        AsyncoreServerBindException exception = new AsyncoreServerBindException("echo", address, failure);
        return this.analyzer.analyze(new IllegalStateException("startup failed", exception));
    }

    private static Exception bindFailure(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(address);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("binding " + address + " succeeded");
    }
}
