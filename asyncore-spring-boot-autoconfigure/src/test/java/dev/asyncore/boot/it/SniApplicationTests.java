package dev.asyncore.boot.it;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.channels.SocketChannel;
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
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.TlsStatus;
import dev.asyncore.boot.actuate.AsyncoreEndpoint;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Boot application whose server presents a certificate per host name ({@code ssl.server-name-bundles}) and agrees an
 * application protocol ({@code ssl.application-protocols}), declared in YAML (application-sni.yml): each name's
 * certificate, the handler's view of the name and protocol, the endpoint, a reload of one name's bundle, and the
 * startup failures that name the entry. A list set on the command line replaces the YAML's whole, as Boot binds lists.
 */
@ExtendWith(OutputCaptureExtension.class)
class SniApplicationTests {

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

    /** Runs the application of application-sni.yml, with {@code properties} over it. */
    private static ConfigurableApplicationContext run(String... properties) {
        String[] args = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            args[i] = "--" + properties[i];
        }
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off")
                .profiles("sni")
                .run(args);
    }

    private SSLSocket connect(int port, String serverName, String... protocols) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (String ca : List.of("dev-ca.crt", "dev-sni-ca.crt")) {
            byte[] pem = getClass().getResourceAsStream("/tls/" + ca).readAllBytes();
            trust.setCertificateEntry(
                    ca, CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem)));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        SSLParameters p = s.getSSLParameters();
        if (serverName != null) {
            p.setServerNames(List.of(new SNIHostName(serverName)));
        }
        p.setApplicationProtocols(protocols);
        s.setSSLParameters(p);
        return s;
    }

    /** Sends one byte; the handler answers with the server name and the application protocol it sees. */
    private static String ask(Socket s) throws IOException {
        s.getOutputStream().write('?');
        s.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static String subject(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.asyncore.servers.names.port", Integer.class);
    }

    @Test
    void eachNameGetsItsBundleAndTheServersFirstProtocolAndTheEndpointShowsBoth() throws Exception {
        try (ConfigurableApplicationContext context = run()) {
            int port = port(context);
            SSLSocket a = connect(port, "a.example", "proto-a", "proto-b");
            assertThat(ask(a)).isEqualTo("a.example proto-b");
            assertThat(subject(a)).startsWith("CN=a.example");
            SSLSocket b = connect(port, "x.b.example", "proto-a");
            assertThat(ask(b)).isEqualTo("x.b.example proto-a");
            assertThat(subject(b)).startsWith("CN=b.example");
            SSLSocket none = connect(port, null);
            assertThat(ask(none)).isEqualTo("null null");
            assertThat(subject(none)).contains("CN=localhost");
            AsyncoreEndpoint.TlsDescriptor tls =
                    context.getBean(AsyncoreEndpoint.class).server("names").tls();
            assertThat(tls.serverNames()).containsExactly("a.example", "*.b.example");
            assertThat(tls.applicationProtocols()).containsExactly("proto-b", "proto-a");
            assertThat(tls.handshakesCompleted()).isEqualTo(3);
        }
    }

    @Test
    void aReloadOfOneNamesBundleChangesOnlyThatNamesCertificate() throws Exception {
        Path cert = dir.resolve("a.crt");
        Path key = dir.resolve("a.key");
        copy("dev-a.crt", cert);
        copy("dev-a.key", key);
        try (ConfigurableApplicationContext context = run(
                "spring.ssl.bundle.pem.a-cert.reload-on-update=true",
                "spring.ssl.bundle.pem.a-cert.keystore.certificate=" + cert.toUri(),
                "spring.ssl.bundle.pem.a-cert.keystore.private-key=" + key.toUri(),
                "spring.ssl.bundle.watch.file.quiet-period=100ms")) {
            int port = port(context);
            SSLSocket before = connect(port, "a.example");
            assertThat(ask(before)).isEqualTo("a.example null");
            assertThat(subject(before)).doesNotContain("second");
            copy("dev-a2.key", key);
            copy("dev-a2.crt", cert);
            await().atMost(WAIT).until(() -> {
                try (SSLSocket probe = connect(port, "a.example")) {
                    return subject(probe).startsWith("CN=a.example")
                            && subject(probe).contains("second");
                }
            });
            assertThat(subject(connect(port, "y.b.example"))).isEqualTo("CN=b.example (asyncore development only)");
            assertThat(subject(connect(port, null))).contains("CN=localhost (asyncore development only)");
            assertThat(ask(before)).isEqualTo("a.example null");
            assertThat(subject(before)).doesNotContain("second");
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
    void anUnknownBundleInTheListFailsStartupNamingTheEntry(CapturedOutput output) {
        assertThatThrownBy(() -> run(
                        "asyncore.loop.thread-name=asyncore-failing-sni",
                        "asyncore.servers.names.ssl.server-name-bundles[0].server-name=a.example",
                        "asyncore.servers.names.ssl.server-name-bundles[0].bundle=a-cert",
                        "asyncore.servers.names.ssl.server-name-bundles[1].server-name=b.example",
                        "asyncore.servers.names.ssl.server-name-bundles[1].bundle=c-cert"))
                .isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.servers.names.ssl.server-name-bundles[1].bundle' has the value "
                        + "'c-cert', which cannot work: no SSL bundle named 'c-cert' exists.")
                .contains("Set asyncore.servers.names.ssl.server-name-bundles[1].bundle to one of the SSL bundles");
    }

    @Test
    void anEmptyOrRepeatedServerNameFailsStartupNamingTheEntry(CapturedOutput output) {
        assertThatThrownBy(() -> run(
                        "asyncore.loop.thread-name=asyncore-failing-sni",
                        "asyncore.servers.names.ssl.server-name-bundles[0].server-name=a.example",
                        "asyncore.servers.names.ssl.server-name-bundles[0].bundle=a-cert",
                        "asyncore.servers.names.ssl.server-name-bundles[1].server-name=A.Example",
                        "asyncore.servers.names.ssl.server-name-bundles[1].bundle=b-cert"))
                .isNotNull();
        assertThat(output)
                .contains("Property 'asyncore.servers.names.ssl.server-name-bundles[1].server-name' has the value "
                        + "'A.Example'")
                .contains("the same host name is mapped by an earlier entry");
        assertThatThrownBy(() -> run(
                        "asyncore.loop.thread-name=asyncore-failing-sni",
                        "asyncore.servers.names.ssl.server-name-bundles[0].server-name=",
                        "asyncore.servers.names.ssl.server-name-bundles[0].bundle=a-cert"))
                .isNotNull();
        assertThat(output)
                .contains("Property 'asyncore.servers.names.ssl.server-name-bundles[0].server-name'")
                .contains("Set asyncore.servers.names.ssl.server-name-bundles[0].server-name to a host name");
    }

    /** Answers each read with the server name and the application protocol its TLS status gives. Loop thread. */
    static final class Who extends DispatcherWithSend {
        Who(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public void handleRead() throws IOException {
            if (recv(4096).length > 0) {
                TlsStatus tls = tlsStatus();
                send((tls.serverName() + " " + tls.applicationProtocol() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        HandlerFactory who() {
            return (channel, peer, map) -> new Who(channel, map);
        }
    }
}
