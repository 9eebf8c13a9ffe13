package io.eventdedup.topology;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives each test of a driver suite its own {@link DedupHarness}, opened on a fresh state directory and closed, with its
 * directory deleted, after the test:
 *
 * <pre>
 * &#64;ExtendWith(DedupHarnessExtension.class)
 * class OutcomesTest {
 *     DedupHarness h;
 *
 *     &#64;BeforeEach
 *     void open(DedupHarness h) { this.h = h; }      // the default harness: shipped sources plus the JSON source hooks
 * </pre>
 *
 * A {@link DedupHarness} parameter (of a test or a {@code @BeforeEach} method) is the test's default harness, the same object
 * wherever it is asked for. A {@link Harnesses} parameter opens further harnesses, with another wall clock or other config
 * entries; the extension closes those too.
 */
final class DedupHarnessExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DedupHarnessExtension.class);

    /** Opens harnesses for one test, each on a state directory of its own, and closes them all when the test is over. */
    static final class Harnesses {
        private final List<DedupHarness> open = new ArrayList<>();
        private DedupHarness standard;

        /** The test's default harness ({@link DedupHarness#DedupHarness(Path)}), opened on first use. */
        DedupHarness standard() {
            if (standard == null) standard = track(new DedupHarness(newStateDir()));
            return standard;
        }

        /** A further harness with the default wall clock and configuration. */
        DedupHarness open() {
            return track(new DedupHarness(newStateDir()));
        }

        /** A further harness with this wall clock and these config entries over the harness's own. */
        DedupHarness open(Instant wallClock, Map<String, String> overrides) {
            return track(new DedupHarness(newStateDir(), wallClock, overrides));
        }

        private DedupHarness track(DedupHarness h) {
            open.add(h);
            return h;
        }

        private static Path newStateDir() {
            try {
                return Files.createTempDirectory("dedup-harness-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Closes every harness (a harness the test closed already is skipped) and deletes its state directory. */
        void closeAll() throws IOException {
            Throwable first = null;
            for (DedupHarness h : open) {
                try {
                    h.close();
                    DedupHarness.deleteTree(h.stateDir);
                } catch (RuntimeException | IOException e) {
                    if (first == null) first = e;
                    else first.addSuppressed(e);
                }
            }
            open.clear();
            if (first instanceof IOException io) throw io;
            if (first != null) throw (RuntimeException) first;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DedupHarness.class || type == Harnesses.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Harnesses harnesses = harnesses(context);
        return parameter.getParameter().getType() == Harnesses.class ? harnesses : harnesses.standard();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        Harnesses harnesses = context.getStore(NAMESPACE).remove(Harnesses.class, Harnesses.class);
        if (harnesses != null) harnesses.closeAll();
    }

    private static Harnesses harnesses(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Harnesses.class, k -> new Harnesses(), Harnesses.class);
    }
}
