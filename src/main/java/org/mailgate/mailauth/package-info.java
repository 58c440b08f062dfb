/**
 * Mail authentication: DKIM signing (RFC 6376, RFC 8463) and its keys; SPF (RFC 7208), DKIM
 * verification, DMARC (RFC 9989), ARC verification (RFC 8617) and Authentication-Results (RFC 8601)
 * for inbound mail. Knows nothing of the server: bytes, keys and a resolver in, fields and
 * results out (Stalwart's mail-auth is the model). Depends on mail, message and dns.
 */
package org.mailgate.mailauth;
