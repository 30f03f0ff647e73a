package dev.asyncore.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.asyncore.boot.server.InvalidAsyncorePropertyException;

/**
 * Checks the values under {@code asyncore.clients.<name>.*} that binding accepts but that cannot work, each reported with
 * the property and its fix, and turns the host settings into addresses. Called on the context-refresh thread, before any
 * bean is looked up.
 */
final class ClientPropertiesValidator {

    private ClientPropertiesValidator() {}

    /**
     * Checks every enabled client, in declaration order.
     *
     * @param clients the bound clients by name
     * @throws InvalidAsyncorePropertyException naming the first value that cannot work
     */
    static void validate(Map<String, ClientProperties> clients) {
        clients.forEach((name, client) -> {
            if (client.isEnabled()) {
                String prefix = "asyncore.clients." + name + ".";
                addresses(prefix, client);
                validateHandler(prefix, client);
                validateTimes(prefix, client);
                validateReconnect(prefix, client.getReconnect());
            }
        });
    }

    /**
     * The addresses a client tries, unresolved (they are resolved at each attempt).
     *
     * @param prefix {@code asyncore.clients.<name>.}
     * @param client the client
     * @return the addresses in order
     */
    static List<InetSocketAddress> addresses(String prefix, ClientProperties client) {
        boolean hasHost = client.getHost() != null && !client.getHost().isBlank();
        boolean hasHosts = client.getHosts() != null && !client.getHosts().isEmpty();
        if (hasHost && hasHosts) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "hosts",
                    client.getHosts(),
                    "a client has either one host (host and port) or a list of hosts, not both",
                    "Remove " + prefix + "host and " + prefix + "port, or remove " + prefix + "hosts.");
        }
        if (hasHosts) {
            if (client.getPort() != null) {
                throw new InvalidAsyncorePropertyException(
                        prefix + "port",
                        client.getPort(),
                        "with hosts, each entry carries its own port",
                        "Remove " + prefix + "port and write each entry of " + prefix + "hosts as host:port.");
            }
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < client.getHosts().size(); i++) {
                addresses.add(hostAndPort(
                        prefix + "hosts[" + i + "]", client.getHosts().get(i)));
            }
            return addresses;
        }
        if (!hasHost) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "host",
                    client.getHost(),
                    "a client needs a server to connect to",
                    "Set " + prefix + "host and " + prefix + "port (or " + prefix + "hosts: [host:port, ...]), or set "
                            + prefix + "enabled=false.");
        }
        return List.of(
                InetSocketAddress.createUnresolved(client.getHost().trim(), port(prefix + "port", client.getPort())));
    }

    private static InetSocketAddress hostAndPort(String property, String entry) {
        String value = entry == null ? "" : entry.trim();
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = "";
        }
        Integer port = null;
        try {
            port = colon > 0 ? Integer.valueOf(value.substring(colon + 1)) : null;
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        if (host.isBlank() || port == null || port < 1 || port > 65535) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    entry,
                    "each host is host:port with a port from 1 to 65535 (an IPv6 address in brackets)",
                    "Write " + property + " as host:port, such as upstream.example:7000 or [::1]:7000.");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int port(String property, Integer port) {
        if (port == null || port < 1 || port > 65535) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    port,
                    "a client connects to a port from 1 to 65535",
                    "Set " + property + " to the server's port, such as 7000.");
        }
        return port;
    }

    private static void validateHandler(String prefix, ClientProperties client) {
        if (client.getHandler() == null || client.getHandler().isBlank()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "handler",
                    client.getHandler(),
                    "every client needs a handler to make the dispatcher of its connection",
                    "Set " + prefix + "handler to the name of a dev.asyncore.handler.ClientHandlerFactory bean.");
        }
        if (client.getSsl().getBundle() != null) {
            AsyncorePropertiesValidator.validateTlsProvider(
                    prefix + "ssl.provider", client.getSsl().getProvider());
        }
        if (client.getSsl().getServerName() != null && client.getSsl().getBundle() == null) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "ssl.server-name",
                    client.getSsl().getServerName(),
                    "a server name is checked only over TLS, and TLS needs an SSL bundle",
                    "Set " + prefix + "ssl.bundle to a bundle that trusts the server, or remove " + prefix
                            + "ssl.server-name.");
        }
        AsyncorePropertiesValidator.validateApplicationProtocols(
                prefix + "ssl.",
                client.getSsl().getApplicationProtocols(),
                client.getSsl().getBundle() != null);
    }

    private static void validateTimes(String prefix, ClientProperties client) {
        Duration connect = client.getConnectTimeout();
        if (connect == null || connect.isNegative() || connect.isZero()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "connect-timeout",
                    connect,
                    "an attempt that has not connected by then is abandoned, so it must be positive",
                    "Set " + prefix + "connect-timeout to a positive duration such as 5s.");
        }
        Duration idle = client.getIdleTimeout();
        if (idle != null && idle.isNegative()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "idle-timeout",
                    idle,
                    "an idle timeout cannot be negative",
                    "Set " + prefix + "idle-timeout to a positive duration such as 5m, or remove it for none.");
        }
    }

    private static void validateReconnect(String prefix, ClientProperties.Reconnect reconnect) {
        String p = prefix + "reconnect.";
        Duration initial = reconnect.getInitialDelay();
        if (initial == null || initial.isNegative()) {
            throw new InvalidAsyncorePropertyException(
                    p + "initial-delay",
                    initial,
                    "the first wait before connecting again cannot be negative",
                    "Set " + p + "initial-delay to a duration such as 1s.");
        }
        Duration max = reconnect.getMaxDelay();
        if (max == null || max.compareTo(initial) < 0) {
            throw new InvalidAsyncorePropertyException(
                    p + "max-delay",
                    max,
                    "the longest wait must be at least the initial delay (" + initial + ")",
                    "Set " + p + "max-delay to " + initial + " or more, such as 30s.");
        }
        double multiplier = reconnect.getMultiplier();
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new InvalidAsyncorePropertyException(
                    p + "multiplier",
                    multiplier,
                    "the wait grows by this factor after each failed round, so it is 1 (a constant wait) or more",
                    "Set " + p + "multiplier to a number such as 2.0.");
        }
        double jitter = reconnect.getJitter();
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new InvalidAsyncorePropertyException(
                    p + "jitter",
                    jitter,
                    "the jitter is the largest share of the wait added at random, from 0 to 1",
                    "Set " + p + "jitter to a number from 0 (none) to 1, such as 0.2.");
        }
    }
}
