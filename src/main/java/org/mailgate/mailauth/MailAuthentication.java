package org.mailgate.mailauth;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.mailgate.dns.LookupBudget;
import org.mailgate.dns.Resolver;
import org.mailgate.message.HeaderSection;

/**
 * Every check of one received message, in the order a receiver makes them: iprev (FCrDNS) and
 * SPF from the connection and MAIL FROM, DKIM over the header section and the streamed body,
 * then DMARC from all of them and the header From. Each message has its own budget of lookups.
 * The lookups block: callers run {@link Message#finish} off any event loop.
 */
public final class MailAuthentication {
    /**
     * Lookups one message may make: SPF's 10 terms (with their MX and PTR names, 2 identities),
     * up to five DKIM keys, a DMARC walk of up to eight names per domain, and iprev.
     */
    public static final int LOOKUP_BUDGET = 100;

    private final Resolver resolver;
    private final String receiver;
    private final Clock clock;

    /** @param receiver our host name (the r macro of SPF explanations) */
    public MailAuthentication(Resolver resolver, String receiver, Clock clock) {
        this.resolver = resolver;
        this.receiver = receiver;
        this.clock = clock;
    }

    /** Starts on a message without looking anything up. @param header the header section as received, each field with its CRLF, without the empty line */
    public Message message(byte[] header) {
        return new Message(header);
    }

    /** One message being checked. */
    public final class Message {
        private final LookupBudget budget = new LookupBudget(resolver, LOOKUP_BUDGET);
        private final HeaderSection header;
        private final DkimVerifier.Verification verification;

        private Message(byte[] header) {
            this.header = HeaderSection.parse(header);
            this.verification = new DkimVerifier(budget, clock).start(header);
        }

        /** Body octets as they arrive. */
        public void body(byte[] bytes, int offset, int length) {
            verification.body(bytes, offset, length);
        }

        /**
         * All verdicts, the body having ended.
         *
         * @param sender the reverse-path, empty for the null one
         */
        public AuthenticationResults.Verdicts finish(InetAddress client, String helo, String sender) {
            Spf spf = new Spf(budget, receiver, clock);
            String iprev = iprev(client);
            SpfVerdict mailFrom = spf.mailFrom(client, sender, helo);
            SpfVerdict heloSpf = spf.helo(client, helo);
            List<DkimResult> signatures = verification.finish();
            List<String> from = header.authors().map(HeaderSection.Authors::from).orElse(List.of());
            DmarcVerdict verdict = new Dmarc(budget).evaluate(from, mailFrom, signatures);
            return new AuthenticationResults.Verdicts(Optional.of(mailFrom), Optional.of(heloSpf), signatures, Optional.of(verdict),
                    Optional.of(iprev), Optional.of(client.getHostAddress()));
        }

        /** RFC 8601 2.7.3: pass when a PTR name of the address resolves back to it. */
        private String iprev(InetAddress client) {
            return ReverseNames.confirmed(budget, client, budget.ptr(client)).map(names -> names.isEmpty() ? "fail" : "pass").orElse("temperror");
        }
    }
}
