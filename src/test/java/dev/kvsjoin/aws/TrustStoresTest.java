package dev.kvsjoin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TrustStoresTest {

    @Test
    void provider_whenAmazon_trustsExactlyTheFiveAmazonTrustServicesRoots() throws Exception {
        X509TrustManager manager = (X509TrustManager) TrustStores.provider(TrustStores.AMAZON).trustManagers()[0];

        List<String> subjects = Arrays.stream(manager.getAcceptedIssuers())
                .map(X509Certificate::getSubjectX500Principal).map(Object::toString).sorted().toList();
        assertThat(subjects).containsExactly(
                "CN=Amazon Root CA 1, O=Amazon, C=US",
                "CN=Amazon Root CA 2, O=Amazon, C=US",
                "CN=Amazon Root CA 3, O=Amazon, C=US",
                "CN=Amazon Root CA 4, O=Amazon, C=US",
                "CN=Starfield Services Root Certificate Authority - G2, O=\"Starfield Technologies, Inc.\","
                        + " L=Scottsdale, ST=Arizona, C=US");
    }

    @Test
    void provider_whenJvm_leavesTheJvmDefault() {
        assertThat(TrustStores.provider(TrustStores.JVM)).isNull();
    }
}
