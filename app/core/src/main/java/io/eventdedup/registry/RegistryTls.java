package io.eventdedup.registry;

import io.eventdedup.registry.RegistryClientSettings.KeyStoreFile;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

/** Builds the SSLContext for https registries from the configured stores. */
final class RegistryTls {
    private RegistryTls() {}

    /** Empty when neither store is configured: the HttpClient then uses the JVM's default context and trust. */
    static Optional<SSLContext> sslContext(RegistryClientSettings settings) {
        if (settings.trustStore() == null && settings.keyStore() == null) return Optional.empty();
        try {
            // null managers make SSLContext.init fall back to the JVM defaults for that half.
            TrustManager[] trust = null;
            if (settings.trustStore() != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(settings.trustStore(), "truststore"));
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (settings.keyStore() != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(settings.keyStore(), "keystore"), chars(settings.keyStore().password()));
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return Optional.of(ctx);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(KeyStoreFile file, String what) {
        try (InputStream in = Files.newInputStream(file.path())) {
            KeyStore ks = KeyStore.getInstance(file.type());
            ks.load(in, chars(file.password()));
            return ks;
        } catch (Exception e) {
            // The message names the file and type, never the password.
            throw new IllegalArgumentException("cannot load schema registry " + what + " " + file.path() + " (type " + file.type()
                    + "): " + e, e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
