package dev.kvsjoin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TrustStoresTest {

    @Test
    void trustManagers_whenAmazon_trustsExactlyTheFiveAmazonTrustServicesRoots() throws Exception {
        X509TrustManager manager = (X509TrustManager) TrustStores.trustManagers(TrustStores.AMAZON)[0];

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
    void trustManagers_whenJvm_leavesTheJvmDefault() {
        assertThat(TrustStores.trustManagers(TrustStores.JVM)).isNull();
    }

    @Test
    void trustManagers_whenAmazon_becomeHttpsUrlConnectionsDefault() throws Exception {
        TrustStores.trustManagers(TrustStores.AMAZON);

        assertThat(javax.net.ssl.HttpsURLConnection.getDefaultSSLSocketFactory())
                .isNotSameAs(javax.net.ssl.SSLContext.getDefault().getSocketFactory());
    }
}
