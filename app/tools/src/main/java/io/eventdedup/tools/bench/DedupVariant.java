package io.eventdedup.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * event-dedup as one throughput round runs it: as shipped, or (with {@code --idle-features}) with one feature that costs
 * something only if it costs when unused: releases switched off, or the key lookup switched on and never queried. The three
 * run on the same input in the same round, so their ratios show what releases and the lookup cost when nobody uses them.
 */
enum DedupVariant {
    /** The shipped configuration: releases on (an idle control topic), lookup off. */
    SHIPPED("event-dedup", ""),
    /** {@code releases.enabled=false}: no control source, no release repartitions. */
    RELEASES_OFF("event-dedup, releases off", "-releases-off"),
    /**
     * {@code lookup.enabled=true} on a free loopback port, advertised, so Kafka Streams publishes {@code application.server} in
     * every rebalance and the listener runs; no lookup is ever sent.
     */
    LOOKUP_ON("event-dedup, lookup on (never queried)", "-lookup-on");

    /** The phase's name in the log and the report. */
    final String phase;
    /** What the variant adds to application ids, state directories and output topic prefixes. */
    final String suffix;

    DedupVariant(String phase, String suffix) {
        this.phase = phase;
        this.suffix = suffix;
    }

    /** The settings this variant sets over the bench's configuration; the lookup gets a free port each time it is asked. */
    Map<String, String> settings() {
        return switch (this) {
            case SHIPPED -> Map.of();
            case RELEASES_OFF -> Map.of("releases.enabled", "false");
            case LOOKUP_ON -> lookupOn(freeLoopbackPort());
        };
    }

    static Map<String, String> lookupOn(int port) {
        return Map.of("lookup.enabled", "true", "lookup.bind.address", "127.0.0.1", "lookup.port", Integer.toString(port),
                "lookup.advertised", "127.0.0.1:" + port);
    }

    /**
     * The variants round {@code round} (from 1) runs, in order: only the shipped one without idle features; with them all three,
     * each taking first place in turn (round 1 shipped, releases off, lookup on; round 2 releases off, lookup on, shipped; ...), so
     * that none always runs right after the textbook phase, or last.
     */
    static List<DedupVariant> inRound(int round, boolean idleFeatures) {
        if (!idleFeatures) return List.of(SHIPPED);
        List<DedupVariant> order = new ArrayList<>(List.of(values()));
        Collections.rotate(order, -((round - 1) % order.size()));
        return order;
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the lookup listener", e);
        }
    }
}
