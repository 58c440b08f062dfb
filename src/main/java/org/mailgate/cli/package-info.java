/** The {@code mailgate} command: serve, user, queue and check-config, each with --help. */
package org.mailgate.cli;
