package org.mailgate.message;

import java.util.Optional;

/**
 * Who is sending, as the checks see it at every stage: the client's address (from a PROXY header
 * where the listener has one), the name it gave in EHLO or HELO, and the account it logged in to.
 */
public record Client(String address, String helo, Optional<String> authenticatedUser) {}
