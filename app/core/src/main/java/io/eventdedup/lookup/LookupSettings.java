package io.eventdedup.lookup;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.Settings;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.Optional;

/** The lookup's settings (lookup.* in config/Settings), read once. */
public record LookupSettings(String bindAddress, int port, HostInfo advertised, Optional<String> bearerToken, Duration forwardTimeout) {
    /** The configured lookup, or empty when {@code lookup.enabled=false}. */
    public static Optional<LookupSettings> of(AppConfig c) {
        if (!c.get(Settings.LOOKUP_ENABLED)) return Optional.empty();
        return Optional.of(new LookupSettings(c.get(Settings.LOOKUP_BIND_ADDRESS), c.get(Settings.LOOKUP_PORT),
                HostInfo.buildFromEndpoint(c.get(Settings.LOOKUP_ADVERTISED)), Optional.ofNullable(c.get(Settings.LOOKUP_BEARER_TOKEN)),
                c.get(Settings.LOOKUP_FORWARD_TIMEOUT)));
    }

    @Override
    public String toString() {
        return "LookupSettings[" + bindAddress + ":" + port + ", advertised " + advertised + ", token " + (bearerToken.isPresent() ? "set" : "unset") + "]";
    }
}
