/**
 * DNS for everyone who asks (delivery now; mail authentication and diagnostics next): typed
 * lookups behind one {@link org.mailgate.dns.Resolver} interface, answered by dnsjava with local
 * DNSSEC validation and a TTL cache, or in tests by an in-memory fake.
 */
package org.mailgate.dns;
