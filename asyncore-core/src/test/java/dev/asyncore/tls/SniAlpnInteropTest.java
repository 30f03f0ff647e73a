package dev.asyncore.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SNI and ALPN against clients this project did not write: {@code openssl s_client -servername} gets each name's own
 * certificate (checked by the subject it prints) and the default without a name, {@code -alpn} gets the server's first
 * choice and a mismatch is refused with the alert; Python's {@code ssl} with {@code server_hostname} and
 * {@code set_alpn_protocols} verifies each name's certificate. Skipped with a message where {@code openssl} or
 * {@code python3} is missing.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class SniAlpnInteropTest {

    private final TlsProvider provider;

    SniAlpnInteropTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Verifies the server for its name, offers two protocols, prints the one chosen, the subject and the reply. */
    private static final String PYTHON_CLIENT = """
            import socket, ssl, sys
            port, ca, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context(cafile=ca)
            ctx.set_alpn_protocols(['proto-a', 'proto-b'])
            with socket.create_connection(('127.0.0.1', port)) as raw:
                with ctx.wrap_socket(raw, server_hostname=name) as s:
                    subject = dict(x[0] for x in s.getpeercert()['subject'])['commonName']
                    s.sendall(b'?')
                    reply = s.recv(100).decode().strip()
                    print(s.selected_alpn_protocol(), '|', subject, '|', reply)
            """;

    private LoopbackServer server;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private void start(TlsOptions tls) {
        server = LoopbackServer.start((channel, peer, map) -> new SniAlpnTest.Who(channel, map), s -> s.setTls(tls));
    }

    /** Runs a command with nothing on its input and returns what it printed (stdout and stderr). */
    private String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        });
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("process ended")
                .isTrue();
        return out.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private String sClient(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port()));
        cmd.addAll(List.of(extra));
        return run(cmd);
    }

    @Test
    void opensslGetsEachNamesCertificateAndTheDefaultWithoutAName() throws Exception {
        assumeTrue(runs("openssl", "version"), "openssl is required for this interoperability test");
        start(SniAlpnTest.namedOptions(provider));
        assertThat(sClient("-servername", "a.example")).contains("subject=CN = a.example (asyncore development only)");
        assertThat(sClient("-servername", "b.example")).contains("subject=CN = b.example (asyncore development only)");
        assertThat(sClient("-servername", "c.b.example"))
                .contains("subject=CN = b.example (asyncore development only)");
        assertThat(sClient("-noservername")).contains("subject=CN = localhost (asyncore development only)");
        assertThat(sClient("-servername", "unknown.example"))
                .contains("subject=CN = localhost (asyncore development only)");
        await().atMost(WAIT).until(() -> server.stats().handshakesCompleted() == 5);
    }

    @Test
    void opensslNegotiatesTheServersChoiceAndAMismatchIsRefusedWithTheAlert() throws Exception {
        assumeTrue(runs("openssl", "version"), "openssl is required for this interoperability test");
        start(SniAlpnTest.namedOptions(provider).withApplicationProtocols("proto-b", "proto-a"));
        assertThat(sClient("-servername", "a.example", "-alpn", "proto-a,proto-b"))
                .contains("ALPN protocol: proto-b");
        assertThat(sClient("-servername", "a.example", "-alpn", "proto-a,other"))
                .contains("ALPN protocol: proto-a");
        assertThat(sClient("-servername", "a.example")).contains("No ALPN negotiated");
        String refused = sClient("-servername", "a.example", "-alpn", "other");
        assertThat(refused).containsIgnoringCase("alert no application protocol");
        assertThat(refused).doesNotContain("ALPN protocol:");
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
    }

    @Test
    void pythonSslVerifiesEachNamesCertificateAndGetsTheProtocol() throws Exception {
        assumeTrue(runs("python3", "-c", "import ssl"), "python3 with the ssl module is required");
        start(SniAlpnTest.namedOptions(provider).withApplicationProtocols("proto-b", "proto-a"));
        String ca = TlsFixtures.file(TlsFixtures.SNI_CA).toString();
        String port = String.valueOf(server.port());
        assertThat(run(List.of("python3", "-c", PYTHON_CLIENT, port, ca, "a.example"))
                        .strip())
                .isEqualTo("proto-b | a.example (asyncore development only) | a.example proto-b");
        assertThat(run(List.of("python3", "-c", PYTHON_CLIENT, port, ca, "b.example"))
                        .strip())
                .isEqualTo("proto-b | b.example (asyncore development only) | b.example proto-b");
        assertThat(server.stats().handshakesFailed()).isZero();
    }
}
