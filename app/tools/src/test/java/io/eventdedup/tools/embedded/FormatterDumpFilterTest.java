package io.eventdedup.tools.embedded;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatterDumpFilterTest {

    @Test
    void theFormattersTwoLinesAreLeftOutAndEveryOtherLinePassesUnchanged() {
        String out = capturingStdout(() -> FormatterDumpFilter.around(() -> {
            System.out.println("Bootstrap metadata: BootstrapMetadata(records=[ApiMessageAndVersion(FeatureLevelRecord(name='metadata.version')])");
            System.out.println("a line of the caller, with ü and ✓");
            System.out.println("Formatting metadata directory /tmp/x with metadata.version 4.3-IV0.");
            System.out.print("no newline at the end");
            return 42;
        }));
        assertThat(out).isEqualTo("a line of the caller, with ü and ✓" + System.lineSeparator() + "no newline at the end");
    }

    @Test
    void systemOutIsRestoredAfterwardsEvenWhenTheStartFails() {
        PrintStream before = System.out;
        assertThatThrownBy(() -> FormatterDumpFilter.around(() -> { throw new IllegalStateException("broker did not start"); }))
                .hasMessage("broker did not start");
        assertThat(System.out).isSameAs(before);
    }

    private static String capturingStdout(Runnable body) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
