package dev.asyncore.handler;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Reads how many incoming datagrams the system dropped at a bound UDP socket because its receive buffer was full: on
 * Linux the last column ({@code drops}) of the socket's line in {@code /proc/net/udp} or {@code /proc/net/udp6}, found by
 * its local address and port. Elsewhere it answers -1. Any thread; each call reads the files again.
 */
final class ReceiveDrops implements LongSupplier {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final List<String> locals;

    private ReceiveDrops(List<String> locals) {
        this.locals = locals;
    }

    /**
     * The source for a socket bound to this address.
     *
     * @param local the socket's local address
     * @return the source; it answers -1 when the system has no such table or the socket is not in it
     */
    static LongSupplier of(SocketAddress local) {
        if (!(local instanceof InetSocketAddress inet) || !Files.isReadable(TABLES.get(0))) {
            return () -> -1;
        }
        String port = String.format(Locale.ROOT, ":%04X", inet.getPort());
        InetAddress address = inet.getAddress();
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return new ReceiveDrops(List.of(hex(raw) + port, hex(mapped) + port));
        }
        return new ReceiveDrops(List.of(hex(raw) + port));
    }

    /** The kernel prints an address as 32-bit words in the machine's byte order. */
    private static String hex(byte[] address) {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        StringBuilder s = new StringBuilder(address.length * 2);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                s.append(String.format(Locale.ROOT, "%02X", address[word + (little ? 3 - i : i)] & 0xff));
            }
        }
        return s.toString();
    }

    @Override
    public long getAsLong() {
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 2 && locals.contains(fields[1])) {
                        return Long.parseLong(fields[fields.length - 1]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
