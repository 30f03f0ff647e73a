package dev.asyncore.docs;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide's tls-names.yml: a certificate per name asked for with SNI, the default one for the rest, and the protocol
 * agreed with ALPN in the server's order of preference.
 */
class DocTlsNamesTest {

    /** The core's test certificates: a.example and b.example (with *.b.example) from one CA, localhost from another. */
    private static final Path TLS = Path.of(System.getProperty("guide.names.tls.dir"));

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() throws Exception {
        context = DocApplication.run(
                "tls-names.yml",
                "asyncore.servers.edge.port=0",
                bundle("default-cert", "dev-server"),
                key("default-cert", "dev-server"),
                bundle("a-cert", "dev-a"),
                key("a-cert", "dev-a"),
                bundle("b-cert", "dev-b"),
                key("b-cert", "dev-b"));
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void eachNameGetsItsCertificateAndNoNameTheDefault() throws Exception {
        assertThat(subjectFor("a.example")).contains("CN=a.example");
        assertThat(subjectFor("x.b.example")).contains("CN=b.example");
        assertThat(subjectFor("c.example")).contains("CN=localhost");
        assertThat(subjectFor(null)).contains("CN=localhost");
    }

    @Test
    void alpnAgreesOnTheServersFirstChoiceAmongWhatTheClientOffers() throws Exception {
        try (SSLSocket socket = connect("a.example", "proto-a", "proto-b")) {
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo("proto-b");
        }
    }

    private static String subjectFor(String serverName) throws Exception {
        try (SSLSocket socket = connect(serverName)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        }
    }

    /**
     * A client on a context of its own: the JDK's client keeps sessions by host and port and, resuming one, sends the
     * server name of the session it resumes (JDK-8301686), so one context would ask every name after the first for the
     * first.
     */
    private static SSLSocket connect(String serverName, String... protocols) throws Exception {
        SSLSocket socket = (SSLSocket) GuideTls.trusting(TLS, "dev-ca.crt", "dev-sni-ca.crt")
                .getSocketFactory()
                .createSocket("127.0.0.1", DocApplication.port(context, "edge"));
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(protocols);
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String bundle(String bundle, String file) {
        return "spring.ssl.bundle.pem." + bundle + ".keystore.certificate=file:" + TLS.resolve(file + ".crt");
    }

    private static String key(String bundle, String file) {
        return "spring.ssl.bundle.pem." + bundle + ".keystore.private-key=file:" + TLS.resolve(file + ".key");
    }
}
