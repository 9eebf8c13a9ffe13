package io.eventdedup.lookup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The lookup's optional bearer token ({@code lookup.bearer.token}): with one set, a request passes only with
 * {@code Authorization: Bearer TOKEN}, compared in constant time; without one, every request passes.
 */
final class BearerAuth {
    private static final String SCHEME = "Bearer ";
    private final byte[] token;

    BearerAuth(Optional<String> token) {
        this.token = token.filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    boolean required() {
        return token != null;
    }

    /** True when the request's Authorization header value (null when absent) may look keys up. */
    boolean admits(String authorization) {
        if (token == null) return true;
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) return false;
        return MessageDigest.isEqual(token, authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8));
    }
}
