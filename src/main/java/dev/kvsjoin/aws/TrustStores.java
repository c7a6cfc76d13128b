package dev.kvsjoin.aws;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates the HTTP client trusts. By default only the five roots Amazon Trust Services asks custom trust
 * stores to hold, which every AWS endpoint chains to: loading them is measurably cheaper at cold start than the
 * JVM's full store (see docs/PERFORMANCE.md). {@code jvm} keeps the JVM's own store (for a TLS-inspecting proxy, for
 * example); a path names a JKS or PKCS12 store of one's own (password {@code changeit} for PKCS12).
 */
public final class TrustStores {

    /** The setting that keeps the JVM's default trust store. */
    public static final String JVM = "jvm";
    /** The setting that trusts the Amazon Trust Services roots only (the default). */
    public static final String AMAZON = "amazon";

    private static final String AMAZON_ROOTS = "/dev/kvsjoin/amazon-roots.jks";

    private TrustStores() {
    }

    /**
     * The trust managers of a setting, or {@code null} for the JVM's default ones. They also become
     * {@code HttpsURLConnection}'s default: every connection's constructor reads that default before the HTTP client
     * sets its own socket factory, and the JVM's default would load its full trust store (about 140 certificates)
     * on the first connection only to discard it. Nothing else in the function opens HTTPS connections.
     */
    static TrustManager[] trustManagers(String setting) {
        if (JVM.equals(setting)) {
            return null;
        }
        TrustManager[] trust = load(setting);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            HttpsURLConnection.setDefaultSSLSocketFactory(context.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS context could not be built: " + e.getClass().getSimpleName());
        }
        return trust;
    }

    private static TrustManager[] load(String setting) {
        try {
            return AMAZON.equals(setting) ? amazonRoots() : file(Path.of(setting));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("trust store could not be loaded: " + e.getClass().getSimpleName());
        }
    }

    private static TrustManager[] amazonRoots() throws IOException, GeneralSecurityException {
        try (InputStream in = TrustStores.class.getResourceAsStream(AMAZON_ROOTS)) {
            return trustManagers(in, "JKS");
        }
    }

    private static TrustManager[] file(Path path) throws IOException, GeneralSecurityException {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String type = name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : "JKS";
        try (InputStream in = Files.newInputStream(path)) {
            return trustManagers(in, type);
        }
    }

    /** A JKS store is read without its integrity check, which protects nothing for a file in one's own package. */
    private static TrustManager[] trustManagers(InputStream in, String type)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(in, "JKS".equals(type) ? null : "changeit".toCharArray());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}
