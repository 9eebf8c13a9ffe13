package io.eventdedup.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistriesTest {
    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop("factory-test");
    }

    @Test
    void mockUrlGivesTheSharedInMemoryRegistryOfItsScope() {
        SchemaRegistry registry = SchemaRegistries.create("mock://factory-test");

        assertThat(registry).isSameAs(MockSchemaRegistry.forScope("factory-test"));
    }

    @Test
    void httpAndHttpsUrlsGiveTheHttpClient() {
        assertThat(SchemaRegistries.create("http://localhost:8081")).isInstanceOf(HttpSchemaRegistry.class);
        assertThat(SchemaRegistries.create("https://sr-1:8081, https://sr-2:8081")).isInstanceOf(HttpSchemaRegistry.class);
    }

    @Test
    void urlArgumentBecomesTheBaseUrlsAndTheOtherSettingsAreUsed() {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start()) {
            server.requireAuthorization("Bearer from-settings");
            int id = server.addSchema(RegistryTestSupport.ORDER);
            RegistryClientSettings settings = RegistryClientSettings.builder()
                    .baseUrls("http://ignored.invalid:1")
                    .bearerToken("from-settings")
                    .build();

            SchemaRegistry registry = SchemaRegistries.create(server.url().toString(), settings);

            assertThat(registry.schemaById(id)).isEqualTo(RegistryTestSupport.ORDER);
        }
    }

    @Test
    void otherSchemesAreRejectedNamingWhatIsExpected() {
        for (String url : new String[] {"ftp://sr:21", "localhost:8081", "sr.example.com", "mock://"}) {
            assertThatThrownBy(() -> SchemaRegistries.create(url), url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mock://");
        }
        assertThatThrownBy(() -> SchemaRegistries.create(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void rejectedUrlWithCredentialsDoesNotEchoThePassword() {
        assertThatThrownBy(() -> SchemaRegistries.create("http://bob:pw-9876@sr:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("pw-9876");
    }
}
