package io.eventdedup.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How to reach the schema registry.
 *
 * @param url              {@code mock://SCOPE}, or one or more comma-separated {@code http(s)://} base URLs
 * @param basicAuthUserInfo {@code user:password}, as Confluent's {@code basic.auth.user.info}
 * @param bearerToken      static bearer token
 */
public record RegistrySettings(String url, Optional<String> basicAuthUserInfo, Optional<String> bearerToken,
                               Optional<String> truststoreLocation, Optional<String> truststorePassword, String truststoreType,
                               Optional<String> keystoreLocation, Optional<String> keystorePassword, String keystoreType,
                               Duration connectTimeout, Duration requestTimeout, int maxRetries,
                               Duration retryBackoff, Duration retryBackoffMax) {
    @Override
    public String toString() {
        return "RegistrySettings[url=" + url
                + ", basicAuth=" + basicAuthUserInfo.map(u -> u.contains(":") ? u.substring(0, u.indexOf(':')) + ":[hidden]" : "[hidden]").orElse("none")
                + ", bearerToken=" + bearerToken.map(t -> "[hidden]").orElse("none")
                + ", truststore=" + truststoreLocation.orElse("JVM default") + ", keystore=" + keystoreLocation.orElse("none")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff + ".." + retryBackoffMax + "]";
    }
}
