/**
 * The message pipeline: RFC 5322 header parsing, and the ordered checks and modifiers each
 * listener's messages pass (the submission fix-ups, the Received field, the header From check;
 * later DKIM signing and the inbound SPF, DKIM and DMARC checks). Depends on mail only.
 */
package org.mailgate.message;
