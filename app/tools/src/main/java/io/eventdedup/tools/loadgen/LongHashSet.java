package io.eventdedup.tools.loadgen;

/** An open-addressing set of longs: millions of 64-bit key hashes without a boxed object each. */
final class LongHashSet {
    private static final long EMPTY = 0;
    private long[] table = new long[1 << 12];
    private boolean hasZero;
    private int size;

    /** Adds {@code v}; false when it was already there. */
    boolean add(long v) {
        if (v == EMPTY) {
            if (hasZero) return false;
            hasZero = true;
            size++;
            return true;
        }
        if ((size + 1) * 2L > table.length) grow();
        if (!insert(table, v)) return false;
        size++;
        return true;
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] t, long v) {
        int mask = t.length - 1;
        int i = (int) (Payloads.mix(v) & mask);
        while (true) {
            long cur = t[i];
            if (cur == EMPTY) {
                t[i] = v;
                return true;
            }
            if (cur == v) return false;
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] next = new long[table.length * 2];
        for (long v : table) if (v != EMPTY) insert(next, v);
        table = next;
    }
}
