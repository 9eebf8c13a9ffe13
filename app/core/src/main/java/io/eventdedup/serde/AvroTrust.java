package io.eventdedup.serde;

import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.schemas.ReleaseCommand;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.schemas.WebhookEvent;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it was not told to trust when it reads specific records. Our own generated
 * classes are trusted here, by name, on top of whatever the JVM already trusts; nothing else is.
 */
public final class AvroTrust {
    private static boolean done;

    private AvroTrust() {}

    public static synchronized void trustGeneratedClasses() {
        if (done) return;
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder()
                        .add(DuplicateDetected.class).add(KeyReleased.class).add(ReleaseCommand.class).add(TelemetryEvent.class).add(TelemetryType.class).add(WebhookEvent.class)
                        .build()));
        done = true;
    }
}
