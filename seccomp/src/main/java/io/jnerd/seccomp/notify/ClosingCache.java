package io.jnerd.seccomp.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map of open things (fds) in least-recently-used order: the eldest is closed when
 * it falls out, {@link #evict} closes one, {@link #closeAll} every one. Not thread-safe: its
 * owners lock around it, so that nothing is closed while another thread uses it.
 */
final class ClosingCache<K, V extends AutoCloseable> {

    private final LinkedHashMap<K, V> entries;

    ClosingCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() > capacity) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
    }

    V get(K key) {
        return entries.get(key);
    }

    void put(K key, V value) {
        V old = entries.put(key, value);
        if (old != null && old != value) {
            closeQuietly(old);
        }
    }

    void evict(K key) {
        V old = entries.remove(key);
        if (old != null) {
            closeQuietly(old);
        }
    }

    void closeAll() {
        entries.values().forEach(ClosingCache::closeQuietly);
        entries.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Pidfd and Fd close without throwing; nothing else is kept here.
        }
    }
}
