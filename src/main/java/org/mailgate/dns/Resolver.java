package org.mailgate.dns;

import java.net.InetAddress;

/**
 * The DNS lookups Mailgate makes, each typed, each following CNAMEs, each saying whether DNSSEC
 * validated it. A lookup never throws: a timeout or a server failure is an answer that
 * {@link DnsAnswer#failed() failed}, which callers treat as "try again later".
 */
public interface Resolver {
    DnsAnswer<MxRecord> mx(String domain);

    /** IPv4 addresses. */
    DnsAnswer<InetAddress> a(String host);

    /** IPv6 addresses. */
    DnsAnswer<InetAddress> aaaa(String host);

    /** Each TXT record with its strings joined, as SPF, DKIM, DMARC and MTA-STS read them. */
    DnsAnswer<String> txt(String name);

    DnsAnswer<TlsaRecord> tlsa(String name);

    DnsAnswer<SrvRecord> srv(String name);

    /** The names of an address (its in-addr.arpa or ip6.arpa PTR records), without the final dot. */
    DnsAnswer<String> ptr(InetAddress address);
}
