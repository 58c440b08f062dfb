package org.mailgate.config;

/**
 * A config table read into typed values by its declared keys (see {@link Key}): each subclass
 * declares its keys and gives each an accessor; reading, defaults, {@link #with}, equality and
 * the text for logs come from here.
 */
public abstract class Settings<S extends Settings<S>> {
    private final Values values;

    Settings(Values values) {
        this.values = values;
    }

    public final <T> T get(Key<T> key) {
        return values.get(key);
    }

    /** The same settings with one value changed (tests, and what a reload keeps). */
    public final <T> S with(Key<T> key, T value) {
        return copy(values.with(key, value));
    }

    abstract S copy(Values changed);

    @Override
    public final boolean equals(Object other) {
        return other instanceof Settings<?> s && s.getClass() == getClass() && s.values.equals(values);
    }

    @Override
    public final int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
