package io.eventdedup.registry;

import io.eventdedup.registry.RegistryClientSettings.KeyStoreFile;
import io.eventdedup.registry.RegistryTestSupport.RecordingSleeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import static io.eventdedup.registry.RegistryTestSupport.ORDER;
import static io.eventdedup.registry.RegistryTestSupport.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * https against the server double with a self-signed certificate made by the JDK's keytool. One store serves as key and trust
 * store on both sides, so the same file also exercises mutual TLS.
 */
class RegistryTlsTest {
    private static final String STORE_PASSWORD = "store-pw-1234";

    @TempDir
    static Path dir;
    private static KeyStoreFile store;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path p12 = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        store = KeyStoreFile.pkcs12(p12, STORE_PASSWORD);
    }

    private static SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store.path())) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpSchemaRegistry client(RegistryClientSettings settings) {
        return new HttpSchemaRegistry(settings, new RecordingSleeper());
    }

    @Test
    void configuredTruststoreTrustsTheRegistryCertificate() throws Exception {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.startHttps(serverContext(), false)) {
            int id = server.addSchema(ORDER);

            assertThat(client(fast(server.url()).trustStore(store).build()).schemaById(id)).isEqualTo(ORDER);
        }
    }

    @Test
    void withoutATruststoreTheJvmDefaultTrustRejectsASelfSignedCertificate() throws Exception {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.startHttps(serverContext(), false)) {
            assertThatThrownBy(() -> client(fast(server.url()).maxRetries(0).build()).schemaById(1))
                    .isExactlyInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("SSLHandshakeException");
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void clientCertificateFromTheKeystoreSatisfiesMutualTls() throws Exception {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.startHttps(serverContext(), true)) {
            int id = server.addSchema(ORDER);

            assertThat(client(fast(server.url()).trustStore(store).keyStore(store).build()).schemaById(id)).isEqualTo(ORDER);
        }
    }

    @Test
    void mutualTlsWithoutAClientCertificateIsUnavailable() throws Exception {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.startHttps(serverContext(), true)) {
            assertThatThrownBy(() -> client(fast(server.url()).trustStore(store).maxRetries(0).build()).schemaById(1))
                    .isExactlyInstanceOf(RegistryUnavailableException.class);
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void wrongStorePasswordFailsAtConstructionNamingTheFileNotThePassword() {
        KeyStoreFile wrong = KeyStoreFile.pkcs12(store.path(), "not-the-pw-5678");

        assertThatThrownBy(() -> client(fast(java.net.URI.create("https://127.0.0.1:1")).trustStore(wrong).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(store.path().toString())
                .message().doesNotContain("not-the-pw-5678").doesNotContain(STORE_PASSWORD);
    }
}
