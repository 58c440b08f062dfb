/**
 * The SMTP load generator behind {@code mailgate bench}: parallel sessions over plain, STARTTLS
 * or implicit TLS connections, with latency percentiles and errors by reply code; and a mode
 * that holds many idle connections open.
 */
package org.mailgate.bench;
