package org.mailgate.cli;

/** A command that cannot do what was asked; its message is printed, without a stack trace. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
        super(message);
    }
}
