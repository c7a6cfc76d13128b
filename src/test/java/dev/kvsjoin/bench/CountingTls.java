package dev.kvsjoin.bench;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A server TLS context that counts the connections it serves: the JDK's HTTPS server creates one
 * {@link SSLEngine} per accepted connection, so the count is the number of connections the local endpoint accepted
 * (each with its full handshake). Everything else is the wrapped, already initialised context's.
 */
final class CountingTls {

    private final AtomicInteger engines = new AtomicInteger();
    private final SSLContext context;

    CountingTls(SSLContext initialised) {
        this.context = new SSLContext(new Spi(initialised, engines), initialised.getProvider(),
                initialised.getProtocol()) {
        };
    }

    /** The context to hand to the server. */
    SSLContext context() {
        return context;
    }

    /** Connections accepted so far. */
    int accepted() {
        return engines.get();
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final AtomicInteger engines;

        Spi(SSLContext delegate, AtomicInteger engines) {
            this.delegate = delegate;
            this.engines = engines;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("the wrapped context is initialised already");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            engines.incrementAndGet();
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            engines.incrementAndGet();
            return delegate.createSSLEngine(host, port);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
