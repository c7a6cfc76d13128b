package dev.kvsjoin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway TLS identity for loopback servers, and the trust store a separate JVM needs to reach them.
 *
 * <p>{@link #create(Path)} runs the running JDK's own {@code keytool} to generate a self-signed RSA certificate for
 * {@code 127.0.0.1} and {@code localhost} (both as subject alternative names, so hostname verification passes for
 * either), and writes a copy of that JDK's {@code lib/security/cacerts} with the certificate added. The copy keeps
 * every public root, so a JVM started with {@link #trustStoreFlags()} trusts the loopback server and the real AWS
 * endpoints alike, and does the same certificate-store loading a real cold start does.
 */
public final class Tls {

    /** The password of both stores; {@code changeit} is the JDK's own default for {@code cacerts}. */
    public static final String PASSWORD = "changeit";

    private static final String ALIAS = "kvsjoin-loopback";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final Path keyStore;
    private final Path trustStore;
    private final X509Certificate certificate;

    private Tls(Path keyStore, Path trustStore, X509Certificate certificate) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.certificate = certificate;
    }

    /**
     * Generates the identity and the trust store copy in {@code dir} (created if missing): {@code loopback.p12},
     * {@code loopback.pem} and {@code cacerts.p12}. Takes a second or two: keytool runs three times.
     */
    public static Tls create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("loopback.p12");
        Path pem = dir.resolve("loopback.pem");
        Path trustStore = dir.resolve("cacerts.p12");
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(pem);
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "7",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        Files.copy(jdkCacerts(), trustStore, StandardCopyOption.REPLACE_EXISTING);
        trustStore.toFile().setWritable(true);
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", pem.toString(),
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
        try {
            Certificate certificate = load(keyStore).getCertificate(ALIAS);
            return new Tls(keyStore, trustStore, (X509Certificate) certificate);
        } catch (GeneralSecurityException e) {
            throw new IOException("keytool wrote " + keyStore + " but it does not load", e);
        }
    }

    /** A server-side context presenting the certificate, for {@code HttpsServer.setHttpsConfigurator}. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore), PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the loopback key store " + keyStore + " does not make a TLS context", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The copy of the JDK's {@code cacerts} holding the loopback certificate as well (PKCS12, {@link #PASSWORD}). */
    public Path trustStore() {
        return trustStore;
    }

    /** The loopback certificate itself. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * The flags that make another JVM trust the loopback server: the trust store and its password (the copy's
     * certificates are password-protected once keytool has written it, unlike the JDK's own file).
     */
    public List<String> trustStoreFlags() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /**
     * A copy of {@code roots} (a JKS store, such as the function's bundled Amazon Trust Services roots) with the
     * loopback certificate added, written beside the other files: what the function's {@code JOIN_TRUST_STORE}
     * names when it must trust both AWS and the loopback server.
     */
    public Path withRoots(Path roots) throws IOException {
        Path copy = trustStore.resolveSibling("roots-and-loopback.jks");
        Files.copy(roots, copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setWritable(true);
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file",
                trustStore.resolveSibling("loopback.pem").toString(), "-keystore", copy.toString(),
                "-storetype", "JKS", "-storepass", PASSWORD);
        return copy;
    }

    /** The running JDK's trust store: {@code $JAVA_HOME/lib/security/cacerts}. */
    static Path jdkCacerts() {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (!Files.isRegularFile(cacerts)) {
            throw new IllegalStateException("java.home: must hold lib/security/cacerts (not found under "
                    + System.getProperty("java.home") + ")");
        }
        return cacerts;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        return KeyStore.getInstance(file.toFile(), PASSWORD.toCharArray());
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + ": did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("keytool " + args[0] + ": interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + ": exited " + process.exitValue() + ": " + output.strip());
        }
    }
}
