package dev.asyncore.handler;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing a listening UNIX-domain server removes its socket file, so the same path can be bound again. */
class UnixSocketFileTest {

    private final DispatcherMap map = new DispatcherMap();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    @Test
    void theSocketFileGoesWithTheServerAndThePathCanBeBoundAgain() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        EchoServer first = new EchoServer(address, map);
        assertThat(Files.exists(address.getPath())).isTrue();

        first.close();
        assertThat(Files.exists(address.getPath())).isFalse();

        EchoServer second = new EchoServer(address, map);
        assertThat(second.isAccepting()).isTrue();
        assertThat(second.localAddress()).isEqualTo(address);
    }
}
