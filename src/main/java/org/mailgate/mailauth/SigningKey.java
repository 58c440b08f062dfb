package org.mailgate.mailauth;

/** A key in use: the d= and s= it signs as. */
public record SigningKey(String domain, String selector, DkimKey key) {}
