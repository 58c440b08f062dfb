/**
 * Getting queued mail where it belongs: MX lookup, the outbound SMTP/LMTP client with its TLS
 * policies (opportunistic, MTA-STS, DANE), the smart host, local Maildirs, retries and bounces.
 * Delivery runs on virtual threads and blocking sockets, apart from the listeners' event loops.
 */
package org.mailgate.delivery;
