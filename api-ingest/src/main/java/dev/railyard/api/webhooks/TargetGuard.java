package dev.railyard.api.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * The SSRF guard: resolves a callback URL's host and refuses it when any of its addresses is internal — loopback,
 * private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata endpoint, fe80::/10), unspecified,
 * multicast, broadcast, or shared (CGNAT 100.64/10) — unless private targets are allowed. The request then connects
 * to the address checked here, never resolving the name again, so a DNS answer that changes in between (rebinding)
 * cannot slip past. Blocking (DNS): call it off the event loop.
 */
public final class TargetGuard {

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * Where to send: connect to {@code address}, name {@code host} in the Host header and TLS SNI.
     *
     * @param requestUri the path and query, at least {@code /}
     */
    public record Target(InetAddress address, String host, int port, boolean ssl, String requestUri) {
    }

    /** A target the guard will not call; not worth retrying. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    public TargetGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public TargetGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /**
     * @throws Refused             the URL is unusable or reaches an internal address
     * @throws UnknownHostException the host does not resolve (perhaps for now: worth retrying)
     */
    public Target check(String url) throws Refused, UnknownHostException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new Refused("only http and https URLs with a host and no user info are called");
        }
        boolean ssl = scheme.equals("https");
        String host = uri.getHost();
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses.length == 0) {
            throw new UnknownHostException(name + " has no address");
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                Optional<String> why = internal(a);
                if (why.isPresent()) {
                    throw new Refused(host + " resolves to " + a.getHostAddress() + ", " + why.get()
                            + "; private targets are not allowed");
                }
            }
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(addresses[0], host, port, ssl, requestUri);
    }

    /** Why an address is internal, or empty when it is a public one. */
    public static Optional<String> internal(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (a.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (a.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return internal4(b);
        }
        if (a instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a private (unique local) address");
            }
            byte[] embedded = embeddedIpv4(v6, b);
            if (embedded != null) {
                try {
                    return internal(InetAddress.getByAddress(embedded)).map(why -> why + " (embedded in IPv6)");
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are always an IPv4 address", e);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> internal4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return Optional.of("in 0.0.0.0/8 (this network)");
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return Optional.of("a shared (CGNAT) address");
        }
        if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
            return Optional.of("an IETF protocol address (192.0.0.0/24)");
        }
        if (first == 198 && (second & 0xfe) == 18) {
            return Optional.of("a benchmarking address (198.18.0.0/15)");
        }
        if (first >= 240) {
            return Optional.of("a reserved or broadcast address");
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-compatible (::a.b.c.d), mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) one. */
    private static byte[] embeddedIpv4(Inet6Address v6, byte[] b) {
        if (v6.isIPv4CompatibleAddress() || zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
