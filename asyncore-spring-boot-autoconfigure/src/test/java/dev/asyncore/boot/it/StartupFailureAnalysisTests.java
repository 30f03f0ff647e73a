package dev.asyncore.boot.it;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import dev.asyncore.boot.TestClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real Boot startups that fail: the failure analysis printed names the property, the value and the fix. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureAnalysisTests {

    @Test
    void portAlreadyInUseIsExplained(CapturedOutput output) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> application(
                                    "asyncore.servers.echo.address=127.0.0.1", "asyncore.servers.echo.port=" + port)
                            .run())
                    .hasRootCauseInstanceOf(java.net.BindException.class);
            assertThat(output)
                    .contains("APPLICATION FAILED TO START")
                    .contains("asyncore server 'echo' could not bind 127.0.0.1:" + port
                            + " (asyncore.servers.echo.port=" + port + "): the port is already in use.")
                    .contains("Stop the process that is listening on port " + port
                            + ", or set asyncore.servers.echo.port to another port (0 picks a free one).");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestClients.threadAlive("asyncore-failing-loop"));
    }

    @Test
    void unknownHandlerIsExplained(CapturedOutput output) {
        assertThatThrownBy(
                        () -> application("asyncore.servers.chat.port=0", "asyncore.servers.chat.handler=chatHandler")
                                .run())
                .isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.servers.chat.handler' has the value 'chatHandler', which cannot work: "
                        + "no handler named 'chatHandler' exists. Handlers that exist: [echo].")
                .contains("Set asyncore.servers.chat.handler to one of [echo]");
    }

    @Test
    void invalidPropertyIsExplained(CapturedOutput output) {
        assertThatThrownBy(() -> application("asyncore.servers.echo.port=70000").run())
                .isNotNull();
        assertThat(output)
                .contains("Property 'asyncore.servers.echo.port' has the value '70000', which cannot work")
                .contains("Set asyncore.servers.echo.port to a port between 1 and 65535, or 0 to pick a free port.");
    }

    @Test
    void invalidAddressRuleIsExplainedNamingTheEntry(CapturedOutput output) {
        assertThatThrownBy(() -> application(
                                "asyncore.servers.echo.port=0",
                                "asyncore.servers.echo.proxy-protocol=true",
                                "asyncore.servers.echo.deny=10.0.0.0/8, 192.168.1.300")
                        .run())
                .isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.servers.echo.deny[1]' has the value '192.168.1.300', which cannot work: "
                        + "'192.168.1.300' is not an IPv4 address literal")
                .contains("Set asyncore.servers.echo.deny[1] to an IP address or a CIDR network, such as 10.0.0.0/8");
    }

    @Test
    void zeroLoopTimeoutIsExplained(CapturedOutput output) {
        assertThatThrownBy(() -> application("asyncore.loop.timeout=0").run()).isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains(
                        "Property 'asyncore.loop.timeout' has the value 'PT0S', which cannot work: the loop waits up to"
                                + " this long for readiness and sweeps its channels this often, so it must be positive.")
                .contains("Set asyncore.loop.timeout to a positive duration such as 1s.")
                .doesNotContain("IllegalArgumentException");
    }

    @Test
    void negativeLoopTimeoutIsExplained(CapturedOutput output) {
        assertThatThrownBy(() -> application("asyncore.loop.timeout=-5s").run()).isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.loop.timeout' has the value 'PT-5S', which cannot work")
                .contains("Set asyncore.loop.timeout to a positive duration such as 1s.");
    }

    @Test
    void addressNotOnThisMachineIsExplained(CapturedOutput output) throws Exception {
        String foreign = "192.0.2.1";
        assumeTrue(
                java.net.NetworkInterface.getByInetAddress(InetAddress.getByName(foreign)) == null,
                "this machine has the documentation address " + foreign);
        assertThatThrownBy(
                        () -> application("asyncore.servers.echo.address=" + foreign, "asyncore.servers.echo.port=7007")
                                .run())
                .hasRootCauseInstanceOf(java.net.BindException.class)
                .hasRootCauseMessage("Cannot assign requested address");
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("asyncore server 'echo' could not bind " + foreign + ":7007 (asyncore.servers.echo.address="
                        + foreign + "): the address does not belong to this machine (Cannot assign requested address).")
                .contains("Set asyncore.servers.echo.address to an address of one of this machine's interfaces")
                .doesNotContain("already in use");
    }

    @Test
    void portBelow1024WithoutPrivilegeIsExplained(CapturedOutput output) throws Exception {
        int port = 1023;
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assumeTrue(
                    false,
                    "this process may bind ports below 1024 (it runs with the privilege), so it cannot be refused");
        } catch (java.net.BindException expected) {
            assumeTrue(
                    "Permission denied".equals(expected.getMessage()),
                    "port " + port + " is not refused for want of privilege: " + expected.getMessage());
        }
        assertThatThrownBy(() -> application(
                                "asyncore.servers.echo.address=127.0.0.1", "asyncore.servers.echo.port=" + port)
                        .run())
                .hasRootCauseInstanceOf(java.net.BindException.class);
        assertThat(output)
                .contains("asyncore server 'echo' could not bind 127.0.0.1:" + port + " (asyncore.servers.echo.port="
                        + port + "): permission denied; ports below 1024 need privileges this process does not have.")
                .contains("Set asyncore.servers.echo.port to a port of 1024 or above");
    }

    @Test
    void healthSwitchOffWithProbesStarts() {
        try (ConfigurableApplicationContext context = application(
                        "management.health.asyncore.enabled=false",
                        "management.endpoint.health.probes.enabled=true",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.port=0")
                .run()) {
            assertThat(context.containsBean("asyncoreHealthIndicator")).isFalse();
            assertThat(context.getEnvironment().getProperty("management.endpoint.health.group.readiness.include"))
                    .isNull();
            assertThat(context.getBean(HealthEndpointGroups.class).get("readiness"))
                    .isNotNull();
        }
    }

    private static SpringApplicationBuilder application(String... properties) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("asyncore.loop.thread-name=asyncore-failing-loop", "spring.main.banner-mode=off")
                .properties(properties);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
