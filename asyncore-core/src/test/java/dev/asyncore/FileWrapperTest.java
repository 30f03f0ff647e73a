package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Python's test_asyncore {@code FileWrapperTest}, adapted: Java cannot duplicate a descriptor, so the wrapper opens or owns
 * its own channel. Python's {@code test_resource_warning} (a warning from the garbage collector) has no Java equivalent.
 */
class FileWrapperTest {

    private static final byte[] D = "It's not dead, it's sleeping!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path testfn;
    private final DispatcherMap map = new DispatcherMap();

    @BeforeEach
    void writeFile() throws IOException {
        testfn = dir.resolve("testfn");
        Files.write(testfn, D);
    }

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    @Test
    void recv() throws IOException {
        FileWrapper w = new FileWrapper(testfn);
        assertThat(w.fileno()).isNotNegative();
        assertThat(w.isOpen()).isTrue();
        assertThat(w.recv(13)).asString(StandardCharsets.US_ASCII).isEqualTo("It's not dead");
        assertThat(w.read(6)).asString(StandardCharsets.US_ASCII).isEqualTo(", it's");
        w.close();
        assertThatThrownBy(() -> w.read(1)).isInstanceOf(IOException.class);
    }

    @Test
    void send() throws IOException {
        byte[] d1 = "Come again?".getBytes(StandardCharsets.US_ASCII);
        byte[] d2 = "I want to buy some cheese.".getBytes(StandardCharsets.US_ASCII);
        FileWrapper w = new FileWrapper(testfn, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        assertThat(w.write(d1)).isEqualTo(d1.length);
        assertThat(w.send(d2)).isEqualTo(d2.length);
        w.close();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(D);
        expected.writeBytes(d1);
        expected.writeBytes(d2);
        assertThat(Files.readAllBytes(testfn)).isEqualTo(expected.toByteArray());
    }

    @Test
    void dispatcher() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        FileDispatcher s = new FileDispatcher(new FileWrapper(testfn), map) {
            @Override
            public void handleRead() throws IOException {
                data.writeBytes(recv(29));
            }
        };
        assertThat(s.isConnected()).isTrue();
        Asyncore.loop(Duration.ofMillis(10), true, map, 2);
        assertThat(data.toByteArray()).isEqualTo(D);
        // the second pass read end of file, so handleClose closed the file and it left the map
        assertThat(map.isEmpty()).isTrue();
        assertThat(((FileWrapper) s.socket()).fileno()).isEqualTo(-1);
    }

    @Test
    void closeTwice() throws IOException {
        FileWrapper f = new FileWrapper(testfn);
        f.close();
        assertThat(f.fileno()).isEqualTo(-1);
        assertThat(f.isOpen()).isFalse();
        assertThatCode(f::close).doesNotThrowAnyException();
        assertThat(f.fileno()).isEqualTo(-1);
    }
}
