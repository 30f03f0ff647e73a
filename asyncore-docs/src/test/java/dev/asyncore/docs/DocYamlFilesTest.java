package dev.asyncore.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.client.AsyncoreClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each YAML file the guide includes starts an application, and its servers do what the page says. The tests override only
 * what cannot run here as written: fixed ports become 0, paths and certificates point into the test's files, and hosts
 * outside this machine become a loopback server of the same application.
 */
class DocYamlFilesTest {

    /** The development-only certificates of the sample app (their key is public: tests and workstations only). */
    private static final Path TLS = Path.of(System.getProperty("guide.tls.dir"));

    @Test
    void serversYmlBindsTcpAndUnixServers(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (ConfigurableApplicationContext context = DocApplication.run(
                        "servers.yml",
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.shout.port=0",
                        "asyncore.servers.local-echo.path=" + socket);
                Lines echo = new Lines("127.0.0.1", DocApplication.port(context, "echo"));
                Lines shout = new Lines("127.0.0.1", DocApplication.port(context, "shout"));
                SocketChannel local = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertThat(echo.ask("hello")).isEqualTo("hello");
            assertThat(shout.ask("hello")).isEqualTo("HELLO");
            local.connect(UnixDomainSocketAddress.of(socket));
            local.write(ByteBuffer.wrap("over unix\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer reply = ByteBuffer.allocate(10);
            while (reply.hasRemaining() && local.read(reply) >= 0) {
                // the whole echo
            }
            assertThat(new String(reply.array(), StandardCharsets.US_ASCII)).isEqualTo("over unix\n");
        }
    }

    @Test
    void severalLoopsYmlRunsOneLoopPerProcessor() throws Exception {
        try (ConfigurableApplicationContext context = DocApplication.run(
                        "several-loops.yml", "asyncore.servers.echo.port=0", "asyncore.servers.admin.port=0");
                Lines echo = new Lines("127.0.0.1", DocApplication.port(context, "echo"));
                Lines admin = new Lines("127.0.0.1", DocApplication.port(context, "admin"))) {
            AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
            assertThat(group.size()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(echo.ask("spread")).isEqualTo("spread");
            assertThat(admin.ask("first loop")).isEqualTo("first loop");
        }
    }

    @Test
    void udpYmlEchoesDatagrams() throws Exception {
        try (ConfigurableApplicationContext context = DocApplication.run(
                        "udp.yml", "asyncore.servers.echo.port=0", "asyncore.servers.udp-echo.port=0");
                DatagramChannel client = DatagramChannel.open()) {
            client.connect(new InetSocketAddress("127.0.0.1", DocApplication.port(context, "udp-echo")));
            client.write(ByteBuffer.wrap("datagram".getBytes(StandardCharsets.US_ASCII)));
            client.configureBlocking(false);
            ByteBuffer reply = ByteBuffer.allocate(64);
            await().until(() -> client.read(reply) > 0);
            assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII))
                    .isEqualTo("datagram");
        }
    }

    @Test
    void severalInstancesYmlRefusesAClientThatIsNotATrustedBalancer() throws Exception {
        try (ConfigurableApplicationContext context =
                        DocApplication.run("several-instances.yml", "asyncore.servers.echo.port=0");
                Lines direct = new Lines("127.0.0.1", DocApplication.port(context, "echo"))) {
            // 127.0.0.1 is not in proxy-protocol-trusted: closed before a byte of it is read
            assertThat(answerOrNothing(direct, "PROXY TCP4 10.1.2.3 10.0.0.1 5000 7007\r\nhello"))
                    .isNull();
        }
    }

    @Test
    void tlsYmlServesEchoOverTls() throws Exception {
        try (ConfigurableApplicationContext context = runTlsYml()) {
            try (SSLSocket socket = (SSLSocket) GuideTls.trusting(TLS, "dev-only-ca.crt")
                    .getSocketFactory()
                    .createSocket("127.0.0.1", DocApplication.port(context, "echo-tls"))) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("over tls\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("over tls"); // client-auth: want serves a client without one
            }
        }
    }

    @Test
    void clientsYmlKeepsItsUpstreamConnectedOverTls() {
        try (ConfigurableApplicationContext upstream = runTlsYml();
                ConfigurableApplicationContext context = DocApplication.run(
                        "clients.yml",
                        "spring.ssl.bundle.pem.upstream-trust.truststore.certificate=file:"
                                + TLS.resolve("dev-only-ca.crt"),
                        "asyncore.clients.upstream.hosts=localhost:" + DocApplication.port(upstream, "echo-tls"),
                        "asyncore.clients.upstream.ssl.server-name=localhost")) {
            AsyncoreClients clients = context.getBean(AsyncoreClients.class);
            await().until(() -> clients.all().get("upstream").isConnected());
        }
    }

    /** Runs tls.yml with the sample's development certificate in place of the files under /etc. */
    private static ConfigurableApplicationContext runTlsYml() {
        return DocApplication.run(
                "tls.yml",
                "asyncore.servers.echo-tls.port=0",
                "spring.ssl.bundle.pem.echo-cert.keystore.certificate=file:" + TLS.resolve("dev-only-server.crt"),
                "spring.ssl.bundle.pem.echo-cert.keystore.private-key=file:" + TLS.resolve("dev-only-server.key"),
                "spring.ssl.bundle.pem.echo-cert.truststore.certificate=file:" + TLS.resolve("dev-only-ca.crt"));
    }

    /** The answer to a line, or null when the server closed or reset the connection instead. */
    private static String answerOrNothing(Lines client, String line) {
        try {
            return client.ask(line);
        } catch (IOException closed) {
            return null;
        }
    }
}
