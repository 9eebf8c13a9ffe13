package io.eventdedup.tools.loadgen;

/** The two shipped sources the generator feeds, with their default source names and topics (the built-in defaults of config/Settings). */
public enum EventSource {
    TELEMETRY("telemetry", "telemetry.events", "telemetry.events.unique"),
    WEBHOOKS("webhooks", "webhooks.events", "webhooks.events.unique");

    private final String sourceName;
    private final String defaultInputTopic;
    private final String defaultOutputTopic;

    EventSource(String sourceName, String defaultInputTopic, String defaultOutputTopic) {
        this.sourceName = sourceName;
        this.defaultInputTopic = defaultInputTopic;
        this.defaultOutputTopic = defaultOutputTopic;
    }

    /** The default source name, as in the app's {@code dedup.source} header. */
    public String sourceName() {
        return sourceName;
    }

    public String defaultInputTopic() {
        return defaultInputTopic;
    }

    public String defaultOutputTopic() {
        return defaultOutputTopic;
    }
}
