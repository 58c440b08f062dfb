package org.mailgate.probe;

/**
 * One thing the probe found: how it bears on sending mail, where (a port, or "dns"), what was
 * seen, and what to do about it (empty when nothing needs doing).
 */
public record Finding(Level level, String where, String what, String fix) {

    public enum Level { OK, INFO, WARN, FAIL }

    public static Finding ok(String where, String what) {
        return new Finding(Level.OK, where, what, "");
    }

    public static Finding info(String where, String what) {
        return new Finding(Level.INFO, where, what, "");
    }

    public static Finding warn(String where, String what, String fix) {
        return new Finding(Level.WARN, where, what, fix);
    }

    public static Finding fail(String where, String what, String fix) {
        return new Finding(Level.FAIL, where, what, fix);
    }
}
