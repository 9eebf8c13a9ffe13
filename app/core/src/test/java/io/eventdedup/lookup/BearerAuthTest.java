package io.eventdedup.lookup;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BearerAuthTest {
    @Test
    void withoutATokenEveryRequestPasses() {
        BearerAuth auth = new BearerAuth(Optional.empty());
        assertThat(auth.required()).isFalse();
        assertThat(auth.admits(null)).isTrue();
        assertThat(auth.admits("Bearer anything")).isTrue();
    }

    @Test
    void anEmptyTokenIsNoToken() {
        assertThat(new BearerAuth(Optional.of("")).required()).isFalse();
    }

    @Test
    void withATokenOnlyThatBearerTokenPasses() {
        BearerAuth auth = new BearerAuth(Optional.of("s3cret"));
        assertThat(auth.required()).isTrue();
        assertThat(auth.admits("Bearer s3cret")).isTrue();
        assertThat(auth.admits("bearer s3cret")).isTrue(); // the scheme is case-insensitive (RFC 7235)
        assertThat(auth.admits(null)).isFalse();
        assertThat(auth.admits("")).isFalse();
        assertThat(auth.admits("Bearer")).isFalse();
        assertThat(auth.admits("Bearer s3cre")).isFalse();
        assertThat(auth.admits("Bearer s3cret2")).isFalse();
        assertThat(auth.admits("Basic s3cret")).isFalse();
        assertThat(auth.admits("s3cret")).isFalse();
    }
}
