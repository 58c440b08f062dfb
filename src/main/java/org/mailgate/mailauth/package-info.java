/**
 * Mail authentication: DKIM signing (RFC 6376, RFC 8463) and its keys, later SPF, DKIM
 * verification and DMARC. Knows nothing of the server: bytes, keys and a resolver in, fields
 * and results out (Stalwart's mail-auth is the model). Depends on mail, message and dns.
 */
package org.mailgate.mailauth;
