package io.eventdedup.tools.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Flight Recorder recording's CPU samples ({@code jdk.ExecutionSample}) of the application's threads, summed three ways: by the
 * top frame (where the CPU was spent), by the nearest frame of the project's own code ({@code io.eventdedup.}: which of its steps
 * led there), and by thread.
 */
final class JfrTopFrames {
    static final String OWN_CODE = "io.eventdedup.";

    /** Samples per name, most first. */
    record Tally(long samples, List<Map.Entry<String, Long>> top) {
        String text(String title, int n) {
            StringBuilder b = new StringBuilder(title).append(String.format(Locale.ROOT, " (%,d samples):%n", samples));
            for (Map.Entry<String, Long> e : top.subList(0, Math.min(n, top.size()))) {
                b.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
            }
            return b.toString();
        }
    }

    private final Map<String, Long> byTopFrame = new HashMap<>();
    private final Map<String, Long> byOwnFrame = new HashMap<>();
    private final Map<String, Long> byThread = new HashMap<>();
    private long samples;

    /** Adds one sample: its frames from the top, and its thread's name. */
    void add(List<String> framesTopFirst, String thread) {
        if (framesTopFirst.isEmpty()) return;
        samples++;
        byTopFrame.merge(framesTopFirst.get(0), 1L, Long::sum);
        String own = framesTopFirst.stream().filter(f -> f.startsWith(OWN_CODE)).findFirst().orElse("(no project frame: Kafka clients/Streams, JDK)");
        byOwnFrame.merge(own, 1L, Long::sum);
        byThread.merge(thread.replaceAll("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "").replaceAll("\\d+$", "N"), 1L, Long::sum);
    }

    Tally topFrames() {
        return tally(byTopFrame);
    }

    Tally ownFrames() {
        return tally(byOwnFrame);
    }

    Tally threads() {
        return tally(byThread);
    }

    private Tally tally(Map<String, Long> m) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(m.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return new Tally(samples, sorted);
    }

    /** The samples of the threads whose name contains {@code threadFragment}. */
    static JfrTopFrames read(Path recording, String threadFragment) throws IOException {
        JfrTopFrames t = new JfrTopFrames();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            if (thread == null || !thread.contains(threadFragment)) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null) continue;
            List<String> frames = new ArrayList<>();
            for (RecordedFrame f : st.getFrames()) {
                if (f.getMethod() == null) continue;
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            t.add(frames, thread);
        }
        return t;
    }

    String text(int n) {
        return topFrames().text("CPU samples by top frame", n) + ownFrames().text("by the nearest event-dedup frame", n)
                + threads().text("by thread", n);
    }

    /** For tests: the three tallies as maps, in order. */
    Map<String, Map<String, Long>> asMaps() {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        m.put("top", byTopFrame);
        m.put("own", byOwnFrame);
        m.put("thread", byThread);
        return m;
    }
}
