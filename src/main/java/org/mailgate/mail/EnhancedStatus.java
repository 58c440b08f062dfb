package org.mailgate.mail;

/** RFC 3463 enhanced status code, class.subject.detail, e.g. 5.7.0. */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    public static EnhancedStatus of(int statusClass, int subject, int detail) {
        return new EnhancedStatus(statusClass, subject, detail);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
