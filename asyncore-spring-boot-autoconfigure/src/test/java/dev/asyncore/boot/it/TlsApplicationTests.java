package dev.asyncore.boot.it;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.TlsProvider;
import dev.asyncore.TlsStatus;
import dev.asyncore.boot.actuate.AsyncoreEndpoint;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.AsyncoreSslBundles;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Boot application whose servers speak TLS from an SSL bundle declared in YAML (application-tls.yml): the echo served
 * over TLS on each provider, the endpoint and metrics, a client dispatcher on a bundle, a bundle reload on each provider,
 * and the unknown-bundle failure.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsApplicationTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static SpringApplicationBuilder application(String... properties) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off")
                .properties(properties);
    }

    private SSLSocket connect(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        byte[] ca = getClass().getResourceAsStream("/tls/dev-ca.crt").readAllBytes();
        trust.setCertificateEntry(
                "ca", CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(ca)));
        tmf.init(trust);
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static String echo(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        byte[] got = new byte[bytes.length];
        new DataInputStream(s.getInputStream()).readFully(got);
        return new String(got, StandardCharsets.UTF_8);
    }

    private static String serverSubject(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    private static int port(ConfigurableApplicationContext context, String server) {
        return context.getEnvironment()
                .getRequiredProperty("local.asyncore.servers." + server + ".port", Integer.class);
    }

    /** Skips an {@code openssl} case, with the reason, where Conscrypt's native library does not load here. */
    private static void assumeProvider(String provider) {
        assumeTrue(
                !provider.equals("openssl") || TlsProvider.OPENSSL.isAvailable(),
                "Conscrypt's native library does not load on this platform");
    }

    /** What {@code ssl.provider} runs on: auto is OpenSSL here, where Conscrypt is a test dependency and loads. */
    private static String expected(String provider) {
        return provider.equals("auto") ? TlsProvider.AUTO.resolve().name().toLowerCase(Locale.ROOT) : provider;
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jdk", "openssl"})
    void serverDeclaredInYamlOnABundleEchoesOverTlsAndIsShownInTheEndpointAndMetrics(String provider) throws Exception {
        assumeProvider(provider);
        try (ConfigurableApplicationContext context = application("asyncore.servers.secure.ssl.provider=" + provider)
                .profiles("tls")
                .run()) {
            SSLSocket s = connect(port(context, "secure"));
            assertThat(echo(s, "over tls from a bundle")).isEqualTo("over tls from a bundle");
            assertThat(serverSubject(s)).contains("CN=localhost (asyncore development only)");
            Socket garbage = new Socket("127.0.0.1", port(context, "secure"));
            sockets.add(garbage);
            garbage.getOutputStream().write("not tls\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            AsyncoreEndpoint endpoint = context.getBean(AsyncoreEndpoint.class);
            await().atMost(WAIT).until(() -> endpoint.server("secure").tls().handshakesFailed() == 1);
            AsyncoreEndpoint.TlsDescriptor tls = endpoint.server("secure").tls();
            assertThat(tls.enabled()).isTrue();
            assertThat(tls.handshakesCompleted()).isEqualTo(1);
            assertThat(tls.provider()).isEqualTo(expected(provider));
            assertThat(endpoint.server("plain").tls().enabled()).isFalse();
            assertThat(endpoint.server("plain").tls().provider()).isNull();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("asyncore.tls.handshakes")
                            .tags("server", "secure", "outcome", "completed")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("asyncore.tls.handshakes")
                            .tags("server", "secure", "outcome", "failed")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.find("asyncore.tls.handshakes")
                            .tag("server", "plain")
                            .meters())
                    .isEmpty();
        }
    }

    @Test
    void clientDispatcherUsesABundleToo() throws Exception {
        try (ConfigurableApplicationContext context =
                application().profiles("tls").run()) {
            AsyncLoop loop = context.getBean(AsyncLoop.class);
            DispatcherMap map = context.getBean(DispatcherMap.class);
            AsyncoreSslBundles bundles = context.getBean(AsyncoreSslBundles.class);
            int port = port(context, "secure");
            Client client = loop.submit(() -> {
                        Client c = new Client(map);
                        c.createSocket();
                        c.connect(new InetSocketAddress("127.0.0.1", port));
                        c.startTlsClient(bundles.options("dev-client"), "localhost");
                        c.send("from a component".getBytes(StandardCharsets.US_ASCII));
                        return c;
                    })
                    .get();
            await().atMost(WAIT).until(() -> loop.submit(client::text).get().equals("from a component"));
            TlsStatus status = loop.submit(client::tlsStatus).get();
            assertThat(loop.submit(status::isHandshakeComplete).get()).isTrue();
            assertThat(loop.submit(status::provider).get()).isEqualTo(TlsProvider.AUTO.resolve());
            loop.submit(() -> {
                        client.close();
                        return null;
                    })
                    .get();
        }
    }

    /** A client dispatcher that keeps what it reads. Loop thread. */
    static final class Client extends DispatcherWithSend {
        private final StringBuilder text = new StringBuilder();

        Client(DispatcherMap map) {
            super(map);
        }

        @Override
        public void handleConnect() {}

        @Override
        public void handleRead() throws IOException {
            ByteBuffer b = ByteBuffer.allocate(1024);
            int n = recv(b);
            if (n > 0) {
                text.append(new String(b.array(), 0, n, StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void handleClose() {
            close();
        }

        String text() {
            return text.toString();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aBundleReloadGivesNewConnectionsTheNewCertificateAndLeavesOpenOnesAlone(String provider) throws Exception {
        assumeProvider(provider);
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        copy("dev-server.crt", cert);
        copy("dev-server.key", key);
        try (ConfigurableApplicationContext context = application(
                        "spring.ssl.bundle.pem.reloading.reload-on-update=true",
                        "spring.ssl.bundle.pem.reloading.keystore.certificate=" + cert.toUri(),
                        "spring.ssl.bundle.pem.reloading.keystore.private-key=" + key.toUri(),
                        "spring.ssl.bundle.watch.file.quiet-period=100ms",
                        "asyncore.servers.secure.address=127.0.0.1",
                        "asyncore.servers.secure.port=0",
                        "asyncore.servers.secure.ssl.bundle=reloading",
                        "asyncore.servers.secure.ssl.provider=" + provider)
                .run()) {
            int port = port(context, "secure");
            SSLSocket before = connect(port);
            assertThat(echo(before, "before")).isEqualTo("before");
            assertThat(serverSubject(before)).doesNotContain("second");
            copy("dev-server2.key", key);
            copy("dev-server2.crt", cert);
            await().atMost(WAIT).until(() -> {
                try (SSLSocket probe = connect(port)) {
                    return serverSubject(probe).contains("second");
                }
            });
            assertThat(echo(before, "still served")).isEqualTo("still served");
            assertThat(serverSubject(before)).doesNotContain("second");
            assertThat(context.getBean(AsyncoreServers.class).get("secure").tlsProvider())
                    .isEqualTo(TlsProvider.valueOf(provider.toUpperCase(Locale.ROOT)));
        }
    }

    private void copy(String resource, Path target) throws IOException {
        Path tmp = Files.createTempFile(dir, "next", ".pem");
        try (var in = getClass().getResourceAsStream("/tls/" + resource)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void unknownBundleIsExplainedListingTheBundlesThatExist(CapturedOutput output) {
        assertThatThrownBy(() -> application(
                                "spring.ssl.bundle.pem.dev.keystore.certificate=classpath:tls/dev-server.crt",
                                "spring.ssl.bundle.pem.dev.keystore.private-key=classpath:tls/dev-server.key",
                                "asyncore.loop.thread-name=asyncore-failing-loop",
                                "asyncore.servers.echo.port=0",
                                "asyncore.servers.echo.ssl.bundle=devv")
                        .run())
                .isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.servers.echo.ssl.bundle' has the value 'devv', which cannot work: "
                        + "no SSL bundle named 'devv' exists. SSL bundles that exist: [dev].")
                .contains("Set asyncore.servers.echo.ssl.bundle to one of the SSL bundles [dev]");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
