package dev.railyard.simulator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Token counts of texts counted before, so that the same text (a batch's shared system prompt or tool list, a
 * word) is counted once. Bounded in entries and in characters kept: when an insert would pass either bound,
 * the cache starts over empty. That is cheaper on the event loop than keeping recency order, and an entry
 * in use is lost only once per {@code maxEntries} new texts, then counted again. Reads take no lock: every
 * event loop of the simulator counts through the same caches.
 */
final class CountCache {
    private final int maxEntries;
    private final long maxChars;
    private final ConcurrentHashMap<String, Integer> counts;
    private final AtomicLong chars = new AtomicLong();

    CountCache(int maxEntries, long maxChars) {
        if (maxEntries < 1 || maxChars < 1) {
            throw new IllegalArgumentException("a count cache needs room for one entry");
        }
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
        this.counts = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
    }

    /** The count of {@code text}: the one kept, else {@code counter}'s, then kept if the text fits at all. */
    int count(String text, ToIntFunction<String> counter) {
        Integer known = counts.get(text);
        if (known != null) {
            return known;
        }
        int count = counter.applyAsInt(text);
        if (text.length() <= maxChars) {
            if (counts.size() >= maxEntries || chars.get() + text.length() > maxChars) {
                counts.clear();
                chars.set(0);
            }
            if (counts.putIfAbsent(text, count) == null) {
                chars.addAndGet(text.length());
            }
        }
        return count;
    }

    /** Texts kept now. */
    int size() {
        return counts.size();
    }

    /** Characters of the texts kept now (about, while other threads insert). */
    long chars() {
        return chars.get();
    }
}
