/**
 * Outbound TLS, decided per MX host: the policy (plaintext by config, opportunistic, verified for
 * MTA-STS or require-tls, DANE), the JDK TLS contexts that enforce it, DANE's TLSA matching
 * (RFC 7672) and MTA-STS policies with their cache (RFC 8461).
 */
package org.mailgate.delivery.tls;
