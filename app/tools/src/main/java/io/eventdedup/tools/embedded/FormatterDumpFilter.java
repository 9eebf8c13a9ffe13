package io.eventdedup.tools.embedded;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Kafka's storage formatter, which the test kit runs while a broker starts, prints its bootstrap records ("Bootstrap metadata:
 * BootstrapMetadata(records=[ApiMessageAndVersion(...") and "Formatting metadata directory ..." straight to {@code System.out};
 * the kit offers no way to redirect them. This filter drops exactly those lines while a start runs and passes every other line
 * through unchanged, so that the demo, the {@code broker} command and the bench print only what a person wants to read.
 */
final class FormatterDumpFilter extends OutputStream {
    private static final String[] DROPPED = {"Bootstrap metadata:", "Formatting metadata directory"};

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private FormatterDumpFilter(PrintStream target) {
        this.target = target;
    }

    /** Runs {@code start} with the formatter's lines left out of {@code System.out}; restores it afterwards. */
    static <T> T around(Supplier<T> start) {
        PrintStream original = System.out;
        FormatterDumpFilter filter = new FormatterDumpFilter(original);
        System.setOut(new PrintStream(filter, true, StandardCharsets.UTF_8));
        try {
            return start.get();
        } finally {
            System.setOut(original);
            filter.flushPartialLine();
        }
    }

    /** True for a line the formatter printed. */
    static boolean isFormatterLine(String line) {
        for (String prefix : DROPPED) if (line.startsWith(prefix)) return true;
        return false;
    }

    @Override
    public synchronized void write(int b) {
        if (b != '\n') {
            line.write(b);
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!isFormatterLine(text)) target.println(text);
    }

    private synchronized void flushPartialLine() {
        if (line.size() == 0) return;
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!isFormatterLine(text)) target.print(text);
    }
}
