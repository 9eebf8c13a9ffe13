package io.eventdedup.key;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPayloadInspectorTest {
    private final JsonPayloadInspector inspector = new JsonPayloadInspector(List.of("/id", "tenant", "/data/object/id"), List.of("attempt", "/meta/sent_at"));

    private PayloadFacts inspect(String json) throws InvalidRecordException {
        return inspector.inspect(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void givesTheRequestedFieldsByPointerOrBareName() throws Exception {
        PayloadFacts f = inspect("{\"id\":\"evt_1\",\"tenant\":\"acme\",\"data\":{\"object\":{\"id\":42}}}");
        assertThat(f.fields()).containsEntry("/id", "evt_1").containsEntry("tenant", "acme").containsEntry("/data/object/id", "42");
    }

    @Test
    void missingAndNullFieldsAreAbsent() throws Exception {
        assertThat(inspect("{\"id\":null}").fields()).isEmpty();
    }

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheFingerprint() throws Exception {
        byte[] a = inspect("{\"id\":\"e\",\"amount\":10,\"items\":[{\"b\":1,\"a\":2}]}").fingerprint();
        byte[] b = inspect("{ \"items\" : [ { \"a\":2, \"b\":1 } ],\n \"amount\": 10, \"id\": \"e\" }").fingerprint();
        assertThat(a).isEqualTo(b).hasSize(32);
    }

    @Test
    void volatileFieldsDoNotChangeTheFingerprintButOtherFieldsDo() throws Exception {
        byte[] first = inspect("{\"id\":\"e\",\"amount\":10,\"attempt\":1,\"meta\":{\"sent_at\":1,\"via\":\"x\"}}").fingerprint();
        byte[] retry = inspect("{\"id\":\"e\",\"amount\":10,\"attempt\":7,\"meta\":{\"sent_at\":99,\"via\":\"x\"}}").fingerprint();
        byte[] changed = inspect("{\"id\":\"e\",\"amount\":11,\"attempt\":1,\"meta\":{\"sent_at\":1,\"via\":\"x\"}}").fingerprint();
        assertThat(retry).isEqualTo(first);
        assertThat(changed).isNotEqualTo(first);
    }

    @Test
    void arrayOrderIsSignificant() throws Exception {
        assertThat(inspect("{\"l\":[1,2]}").fingerprint()).isNotEqualTo(inspect("{\"l\":[2,1]}").fingerprint());
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : List.of("not json", "[1,2]", "\"text\"", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", "")) {
            assertThatThrownBy(() -> inspect(bad)).as(bad).isInstanceOf(InvalidRecordException.class)
                    .extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNDECODABLE);
        }
    }
}
