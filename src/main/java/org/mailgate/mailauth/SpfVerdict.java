package org.mailgate.mailauth;

/**
 * One SPF check's outcome, with why.
 *
 * @param identity "mailfrom" or "helo" (RFC 7208 2.3, 2.4)
 * @param domain the domain whose policy was checked
 * @param sender the address checked: the MAIL FROM address, or postmaster@ the HELO name
 * @param reason in words: which term matched, or what went wrong ("no SPF record", "more than 10 DNS lookups")
 * @param explanation the sender's exp= text for a fail (RFC 7208 6.2); empty otherwise
 */
public record SpfVerdict(SpfResult result, String identity, String domain, String sender, String reason, String explanation) {}
