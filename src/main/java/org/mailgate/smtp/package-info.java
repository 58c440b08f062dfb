/**
 * The SMTP protocol without I/O: command parsing, replies, the session state machine and
 * DATA/BDAT framing. Feed a {@link org.mailgate.smtp.SmtpSession} bytes; it emits
 * {@link org.mailgate.smtp.SessionEvent}s (replies, content, requests for async work).
 */
package org.mailgate.smtp;
