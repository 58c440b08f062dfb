package org.mailgate.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.Resolver;
import org.mailgate.message.HeaderSection;

/**
 * Every check of one received message, in the order a receiver makes them: iprev (FCrDNS) and
 * SPF from the connection and MAIL FROM, DKIM over the header section and the streamed body,
 * then DMARC from all of them and the header From. The lookups block: callers run these off
 * any event loop.
 */
public final class MailAuthentication {
    private final Resolver resolver;
    private final Spf spf;
    private final DkimVerifier dkim;
    private final Dmarc dmarc;

    /** @param receiver our host name (the r macro of SPF explanations) */
    public MailAuthentication(Resolver resolver, String receiver, Clock clock) {
        this.resolver = resolver;
        this.spf = new Spf(resolver, receiver, clock);
        this.dkim = new DkimVerifier(resolver, clock);
        this.dmarc = new Dmarc(resolver);
    }

    /** What is known at MAIL FROM: the client's checks. */
    public record Envelope(InetAddress client, String helo, String sender, String iprev, SpfVerdict mailFrom, SpfVerdict heloSpf) {}

    /** iprev and SPF, at MAIL FROM. @param sender the reverse-path, empty for the null one */
    public Envelope envelope(InetAddress client, String helo, String sender) {
        return new Envelope(client, helo, sender, iprev(client), spf.mailFrom(client, sender, helo), spf.helo(client, helo));
    }

    /** One message's DKIM and DMARC, on top of its envelope's checks. */
    public final class Message {
        private final HeaderSection header;
        private final DkimVerifier.Verification verification;

        private Message(byte[] header) {
            this.header = HeaderSection.parse(header);
            this.verification = dkim.start(header);
        }

        public void body(byte[] bytes, int offset, int length) {
            verification.body(bytes, offset, length);
        }

        /** All verdicts, the body having ended. */
        public AuthenticationResults.Verdicts finish(Envelope envelope) {
            List<DkimResult> signatures = verification.finish();
            List<String> from = header.authors().map(HeaderSection.Authors::from).orElse(List.of());
            DmarcVerdict verdict = dmarc.evaluate(from, envelope.mailFrom(), signatures);
            return new AuthenticationResults.Verdicts(Optional.of(envelope.mailFrom()), Optional.of(envelope.heloSpf()), signatures,
                    Optional.of(verdict), Optional.of(envelope.iprev()), Optional.of(envelope.client().getHostAddress()));
        }
    }

    /** Starts on a message without looking anything up. @param header the header section as received, each field with its CRLF, without the empty line */
    public Message message(byte[] header) {
        return new Message(header);
    }

    /** RFC 8601 2.7.3: pass when a PTR name of the address resolves back to it. */
    private String iprev(InetAddress client) {
        DnsAnswer<String> names = resolver.ptr(client);
        if (names.failed()) {
            return "temperror";
        }
        for (String name : names.records().stream().limit(Spf.MAX_NAMES).toList()) {
            DnsAnswer<InetAddress> forward = client instanceof Inet4Address ? resolver.a(name) : resolver.aaaa(name);
            if (forward.records().contains(client)) {
                return "pass";
            }
        }
        return "fail";
    }
}
