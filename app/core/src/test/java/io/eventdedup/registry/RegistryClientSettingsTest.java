package io.eventdedup.registry;

import io.eventdedup.registry.RegistryClientSettings.KeyStoreFile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryClientSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RegistryClientSettings s = RegistryClientSettings.defaults();

        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxRetries()).isEqualTo(5);
        assertThat(s.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.trustStore()).isNull();
        assertThat(s.keyStore()).isNull();
    }

    @Test
    void toStringMasksPasswordsAndKeepsTheRest() {
        RegistryClientSettings basic = RegistryClientSettings.builder()
                .baseUrls("https://sr1:8081,https://sr2:8081")
                .basicAuth("alice", "basic-pw-1")
                .trustStore(KeyStoreFile.pkcs12(Path.of("/etc/tls/trust.p12"), "trust-pw-2"))
                .keyStore(new KeyStoreFile(Path.of("/etc/tls/client.jks"), "key-pw-3", "JKS"))
                .build();

        assertThat(basic.toString())
                .contains("https://sr1:8081", "https://sr2:8081", "alice", "/etc/tls/trust.p12", "/etc/tls/client.jks", "****")
                .doesNotContain("basic-pw-1", "trust-pw-2", "key-pw-3");
    }

    @Test
    void toStringMasksTheBearerToken() {
        RegistryClientSettings bearer = RegistryClientSettings.builder().bearerToken("tok-secret-4").build();

        assertThat(bearer.toString()).contains("bearerToken=****").doesNotContain("tok-secret-4");
    }

    @Test
    void commaSeparatedUrlsAreTrimmedAndKeptInOrder() {
        assertThat(RegistryClientSettings.parseUrls(" http://a:8081 , https://b:8082/prefix ,"))
                .containsExactly(URI.create("http://a:8081"), URI.create("https://b:8082/prefix"));
    }

    @Test
    void urlWithCredentialsIsRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> RegistryClientSettings.parseUrls("http://alice:pw-in-url@sr:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configure basic auth")
                .message().doesNotContain("pw-in-url");
    }

    @Test
    void basicAuthAndBearerTogetherAreRejected() {
        assertThatThrownBy(() -> RegistryClientSettings.builder().basicAuth("a", "b").bearerToken("t").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void userWithoutPasswordIsRejected() {
        assertThatThrownBy(() -> RegistryClientSettings.builder().basicAuth("alice", null).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonsensicalNumbersAreRejected() {
        assertThatThrownBy(() -> RegistryClientSettings.builder().maxRetries(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryClientSettings.builder().cacheCapacity(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryClientSettings.builder().requestTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryClientSettings.builder().initialBackoff(Duration.ofSeconds(20)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff <= maxBackoff");
    }

    @Test
    void withBaseUrlsKeepsEverythingElse() {
        RegistryClientSettings s = RegistryClientSettings.builder().bearerToken("t").maxRetries(2).build();

        RegistryClientSettings moved = s.withBaseUrls(List.of(URI.create("http://x:1")));

        assertThat(moved.baseUrls()).containsExactly(URI.create("http://x:1"));
        assertThat(moved.bearerToken()).isEqualTo("t");
        assertThat(moved.maxRetries()).isEqualTo(2);
    }
}
