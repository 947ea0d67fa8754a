package dev.railyard.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard, on addresses only: nothing here opens a connection. */
class TargetGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "0.1.2.3", "10.0.0.1", "10.255.255.255",
            "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254", "169.254.0.1", "fe80::1", "fc00::1", "fd12:3456::1",
            "fec0::1", "100.64.0.1", "100.127.255.254", "224.0.0.1", "239.255.255.250", "ff02::1", "255.255.255.255", "240.0.0.1",
            "192.0.0.170", "198.18.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1", "::127.0.0.1"})
    void internal_addresses_are_refused(String address) throws Exception {
        assertThat(TargetGuard.internal(InetAddress.getByName(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "100.128.0.1", "100.63.255.255", "172.32.0.1", "172.15.255.255",
            "192.169.0.1", "169.255.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "64:ff9b::808:808", "::ffff:8.8.8.8"})
    void public_addresses_pass(String address) throws Exception {
        assertThat(TargetGuard.internal(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @Test
    void a_name_is_refused_when_any_of_its_addresses_is_internal() throws Exception {
        TargetGuard guard = new TargetGuard(false, fake(Map.of("mixed.example", new String[] {"93.184.215.14", "10.1.2.3"})));
        assertThatThrownBy(() -> guard.check("https://mixed.example/hook"))
                .isInstanceOf(TargetGuard.Refused.class)
                .hasMessageContaining("10.1.2.3").hasMessageContaining("private");
    }

    @Test
    void literal_internal_addresses_and_localhost_are_refused_without_the_setting() {
        TargetGuard guard = new TargetGuard(false);
        for (String url : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.8/x",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]:9000/x", "http://[fe80::1]/x", "http://0.0.0.0/"}) {
            assertThatThrownBy(() -> guard.check(url)).as(url).isInstanceOf(TargetGuard.Refused.class);
        }
    }

    @Test
    void the_setting_allows_private_targets() throws Exception {
        TargetGuard guard = new TargetGuard(true);
        TargetGuard.Target t = guard.check("http://127.0.0.1:8080/hooks/a?x=1");
        assertThat(t.address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(t.port()).isEqualTo(8080);
        assertThat(t.ssl()).isFalse();
        assertThat(t.requestUri()).isEqualTo("/hooks/a?x=1");
    }

    @Test
    void the_target_is_the_address_that_was_checked_so_a_second_answer_cannot_rebind_it() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // A rebinding name: public on the first answer, loopback on every later one.
        TargetGuard guard = new TargetGuard(false, host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});

        TargetGuard.Target t = guard.check("https://rebind.example/hook");

        assertThat(t.address().getHostAddress()).isEqualTo("93.184.215.14");
        assertThat(t.host()).as("Host header and SNI").isEqualTo("rebind.example");
        assertThat(t.port()).isEqualTo(443);
        assertThat(t.ssl()).isTrue();
        assertThat(t.requestUri()).isEqualTo("/hook");
        assertThat(lookups).hasValue(1);
        assertThatThrownBy(() -> guard.check("https://rebind.example/hook")).isInstanceOf(TargetGuard.Refused.class);
    }

    @Test
    void other_schemes_and_user_info_are_refused() {
        TargetGuard guard = new TargetGuard(true);
        assertThatThrownBy(() -> guard.check("ftp://example.com/x")).isInstanceOf(TargetGuard.Refused.class);
        assertThatThrownBy(() -> guard.check("http://user:pw@example.com/x")).isInstanceOf(TargetGuard.Refused.class);
        assertThatThrownBy(() -> guard.check("not a url")).isInstanceOf(TargetGuard.Refused.class);
    }

    @Test
    void a_name_that_does_not_resolve_is_not_a_refusal_it_may_resolve_later() {
        TargetGuard guard = new TargetGuard(false, fake(Map.of()));
        assertThatThrownBy(() -> guard.check("https://nowhere.example/x")).isInstanceOf(UnknownHostException.class);
    }

    private static TargetGuard.Resolver fake(Map<String, String[]> names) {
        return host -> {
            String[] addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                out[i] = InetAddress.getByName(addresses[i]);
            }
            return out;
        };
    }
}
