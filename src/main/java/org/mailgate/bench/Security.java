package org.mailgate.bench;

/** How the load generator protects its connections. */
public enum Security { PLAIN, STARTTLS, IMPLICIT }
