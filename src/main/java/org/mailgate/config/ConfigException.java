package org.mailgate.config;

/** A configuration that cannot be used; the message names the file, line and what was expected. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
