package io.warroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM listens on, read from Linux's {@code /proc}: every listener a command opens, whoever opens
 * it (Flink, Kafka, an HTTP server), with the address it is bound to. And the probes a test needs to show that one
 * answers on loopback and not on another address of the machine.
 */
public final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** A listening socket: the address it is bound to (the wildcard for all interfaces) and its port. */
    public record Listener(InetAddress address, int port) {
        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    /** Whether this machine lets a test read its sockets ({@code /proc/self/net/tcp}, Linux). */
    public static boolean readable() {
        return Files.isReadable(Path.of("/proc/self/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The sockets this process listens on now. */
    public static Set<Listener> ofThisProcess() {
        Set<String> inodes = socketInodes();
        Set<Listener> listeners = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(path);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
                        String[] local = f[1].split(":");
                        listeners.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return listeners;
    }

    /** An IPv4 address of an interface that is up and not loopback, if the machine has one. */
    public static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(ListeningSockets::usable)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    /** Whether a TCP connection to {@code address:port} is accepted within a second. */
    public static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean usable(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while we listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    /**
     * /proc prints an address as the hex of its bytes in host order, 32 bits at a time (little-endian here): IPv4 in
     * 8 digits, IPv6 in 32. An IPv4 address on a dual-stack socket shows as ::ffff:a.b.c.d, which Java reads as IPv4.
     */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(hex, e);
        }
    }

    /** Listeners that are in {@code now} and not in {@code before}. */
    public static List<Listener> opened(Set<Listener> before, Set<Listener> now) {
        List<Listener> opened = new ArrayList<>(now);
        opened.removeAll(before);
        return opened;
    }
}
