package dev.asyncore.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for a test, from the machine's PostgreSQL binaries (Debian's {@code postgresql} package puts
 * {@code initdb}, {@code pg_ctl} and {@code postgres} under {@code /usr/lib/postgresql/<version>/bin}): a fresh cluster in
 * a temporary directory, trust authentication for user {@code postgres}, listening on a free loopback port with its UNIX
 * socket in that directory. PostgreSQL refuses to run as root, so when the test runs as root the commands run as the
 * {@code postgres} user ({@code runuser}, else {@code su}), which gets the directory. {@link #close()} stops the server and
 * deletes the directory. Where no binaries are found or the server cannot start, {@link #start()} skips the test (a JUnit
 * assumption) with the reason. Used from the test thread.
 */
final class PostgresServer implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path bin;

    private final Path dir;

    private final int port;

    private final List<String> asUser;

    private boolean started;

    private PostgresServer(Path bin, Path dir, int port, List<String> asUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asUser = asUser;
    }

    /**
     * Creates a cluster and starts it, or skips the calling test when that cannot be done here.
     *
     * @return the running server
     * @throws Exception if the temporary directory cannot be made
     */
    static PostgresServer start() throws Exception {
        Path bin = findBin();
        Assumptions.assumeTrue(
                bin != null,
                "PostgreSQL is not installed (no initdb, pg_ctl and postgres under /usr/lib/postgresql/*/bin): "
                        + "install Debian's postgresql package to run this test");
        List<String> asUser = List.of();
        Path dir = Files.createTempDirectory("kv-postgres");
        if ("root".equals(System.getProperty("user.name"))) {
            asUser = runAsPostgres();
            Assumptions.assumeTrue(
                    asUser != null,
                    "running as root, and PostgreSQL refuses root: no postgres user and runuser or su to switch to it");
            chown(dir);
        }
        PostgresServer server = new PostgresServer(bin, dir, freePort(), asUser);
        try {
            server.initAndStart();
        } catch (IOException | RuntimeException ex) {
            server.close();
            Assumptions.abort("PostgreSQL could not start here: " + ex.getMessage());
        }
        return server;
    }

    /**
     * The JDBC URL of the server's {@code postgres} database.
     *
     * @return the URL, for {@code spring.datasource.url}
     */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
    }

    private void initAndStart() throws IOException, InterruptedException {
        Path data = this.dir.resolve("data");
        run(tool("initdb"), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        String options = "-p " + this.port + " -k " + this.dir + " -c listen_addresses=127.0.0.1 -c fsync=off";
        run(
                tool("pg_ctl"),
                "-D",
                data.toString(),
                "-o",
                options,
                "-l",
                this.dir.resolve("server.log").toString(),
                "-w",
                "-t",
                "60",
                "start");
        this.started = true;
    }

    /** Stops the server (fast: open sessions are ended) and deletes its directory. */
    @Override
    public void close() throws Exception {
        try {
            if (this.started) {
                run(tool("pg_ctl"), "-D", this.dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
            }
        } finally {
            try (Stream<Path> paths = Files.walk(this.dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private String tool(String name) {
        return this.bin.resolve(name).toString();
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (this.asUser.isEmpty()) {
            full.addAll(List.of(command));
        } else if (this.asUser.get(0).endsWith("runuser")) {
            full.addAll(this.asUser);
            full.addAll(List.of(command));
        } else {
            full.addAll(this.asUser);
            full.add(String.join(" ", quoted(command)));
        }
        exec(full);
    }

    private static List<String> quoted(String... words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add("'" + word.replace("'", "'\\''") + "'");
        }
        return quoted;
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output;
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(command.get(0) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            output = process.getInputStream().readAllBytes();
        } finally {
            process.destroyForcibly();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text);
        }
        return text;
    }

    /** The bin directory of the newest PostgreSQL under /usr/lib/postgresql, or null. */
    private static Path findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map((version) -> version.resolve("bin"))
                    .filter((bin) -> Files.isExecutable(bin.resolve("initdb"))
                            && Files.isExecutable(bin.resolve("pg_ctl"))
                            && Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion))
                    .orElse(null);
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    /** The command prefix that runs a command as user postgres, or null when that cannot be done. */
    private static List<String> runAsPostgres() throws IOException, InterruptedException {
        try {
            exec(List.of("id", "-u", "postgres"));
        } catch (IOException noSuchUser) {
            return null;
        }
        for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(runuser))) {
                return List.of(runuser, "-u", "postgres", "--");
            }
        }
        for (String su : List.of("/bin/su", "/usr/bin/su")) {
            if (Files.isExecutable(Path.of(su))) {
                return List.of(su, "postgres", "-s", "/bin/sh", "-c");
            }
        }
        return null;
    }

    private static void chown(Path dir) throws IOException, InterruptedException {
        exec(List.of("chown", "postgres:", dir.toString()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
