/**
 * Netty listeners: TLS (implicit and STARTTLS, SNI, reloaded certificates), PROXY protocol,
 * connection limits, timeouts and graceful shutdown; glues bytes to
 * {@link org.mailgate.smtp.SmtpSession}s and their requests to auth, policy and the spool.
 */
package org.mailgate.server;
