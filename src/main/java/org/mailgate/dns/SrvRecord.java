package org.mailgate.dns;

/** RFC 2782; a target of "." says the service is not offered (RFC 6186 3). */
public record SrvRecord(int priority, int weight, int port, String target) {}
