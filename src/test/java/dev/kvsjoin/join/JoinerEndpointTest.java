package dev.kvsjoin.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which WEBRTC endpoints a signed request may be sent to. */
class JoinerEndpointTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "https://r-1234abcd.kinesisvideo.us-west-2.amazonaws.com", "https://r-1234abcd.kinesisvideo.us-west-2.amazonaws.com/",
        "HTTPS://127.0.0.1:8443", "https://127.0.0.1:1", "https://127.0.0.1:65535", "https://[::1]:443",
    })
    void usable_whenHttpsWithHostAndNothingElse_acceptsIt(String endpoint) {
        assertThat(Joiner.usable(endpoint, false)).isEqualTo(URI.create(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:8080", "ftp://127.0.0.1:443", "wss://127.0.0.1", "https://127.0.0.1:0",
        "https://127.0.0.1:65536", "https://127.0.0.1:99999", "https://u:p@127.0.0.1", "https://127.0.0.1/x",
        "https://127.0.0.1?a=b", "https://127.0.0.1#f", "https://", "https:127.0.0.1", "//127.0.0.1", "",
        "https://a_b.example", "https://[::1", "https://127.0.0.1:-1", "file:///etc/passwd",
    })
    void usable_whenNotAnHttpsOrigin_refusesIt(String endpoint) {
        assertThat(Joiner.usable(endpoint, false)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "HTTP://localhost"})
    void usable_whenPlainHttpAllowedForALocalEndpoint_acceptsIt(String endpoint) {
        assertThat(Joiner.usable(endpoint, true)).isNotNull();
        assertThat(Joiner.usable("ftp://127.0.0.1", true)).isNull();
    }
}
