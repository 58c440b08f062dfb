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
 * SPF once the envelope is known (at MAIL FROM, RFC 7208 2.4), DKIM over the header section and
 * the streamed body (and the ARC chain, when asked), then DMARC from all of them and the header From. Each transaction has its
 * own budget of lookups. The lookups block: callers run {@link Envelope#check} and
 * {@link Message#finish} off any event loop.
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
    private final boolean arc;

    /**
     * @param receiver our host name (the r macro of SPF explanations)
     * @param arc whether ARC chains are validated (RFC 8617)
     */
    public MailAuthentication(Resolver resolver, String receiver, Clock clock, boolean arc) {
        this.resolver = resolver;
        this.receiver = receiver;
        this.clock = clock;
        this.arc = arc;
    }

    /**
     * Starts on a transaction without looking anything up.
     *
     * @param sender the reverse-path, empty for the null one
     */
    public Envelope envelope(InetAddress client, String helo, String sender) {
        return new Envelope(client, helo, sender);
    }

    /** What the connection and the envelope alone tell: iprev, and SPF of the MAIL FROM and HELO identities. */
    public record EnvelopeResults(String iprev, SpfVerdict mailFrom, SpfVerdict helo) {}

    /** One transaction: its client, HELO name and reverse-path. */
    public final class Envelope {
        private final LookupBudget budget = new LookupBudget(resolver, LOOKUP_BUDGET);
        private final InetAddress client;
        private final String helo;
        private final String sender;

        private Envelope(InetAddress client, String helo, String sender) {
            this.client = client;
            this.helo = helo;
            this.sender = sender;
        }

        /** The envelope's checks; blocks on lookups. */
        public EnvelopeResults check() {
            Spf spf = new Spf(budget, receiver, clock);
            String iprev = ReverseNames.confirmed(budget, client, budget.ptr(client))
                    .map(names -> names.isEmpty() ? "fail" : "pass") // RFC 8601 2.7.3: no name that resolves back is a fail
                    .orElse("temperror");
            return new EnvelopeResults(iprev, spf.mailFrom(client, sender, helo), spf.helo(client, helo));
        }

        /** Starts on the message without looking anything up. @param header the header section as received, each field with its CRLF, without the empty line */
        public Message message(byte[] header) {
            return new Message(header);
        }

        /** The message of the transaction being checked. */
        public final class Message {
            private final HeaderSection header;
            private final DkimVerifier.Verification verification;
            private final Optional<ArcVerifier.Verification> chain;

            private Message(byte[] header) {
                this.header = HeaderSection.parse(header);
                DkimVerifier dkim = new DkimVerifier(budget, clock);
                this.verification = dkim.start(header);
                this.chain = arc ? Optional.of(new ArcVerifier(dkim).start(header)) : Optional.empty();
            }

            /** Body octets as they arrive. */
            public void body(byte[] bytes, int offset, int length) {
                verification.body(bytes, offset, length);
                chain.ifPresent(c -> c.body(bytes, offset, length));
            }

            /** All verdicts, the body having ended and {@code envelope} being what {@link #check} found; blocks on lookups. */
            public AuthenticationResults.Verdicts finish(EnvelopeResults envelope) {
                List<DkimResult> signatures = verification.finish();
                List<String> from = header.authors().map(HeaderSection.Authors::from).orElse(List.of());
                DmarcVerdict verdict = new Dmarc(budget).evaluate(from, envelope.mailFrom(), signatures);
                return new AuthenticationResults.Verdicts(Optional.of(envelope.mailFrom()), Optional.of(envelope.helo()), signatures,
                        Optional.of(verdict), chain.map(ArcVerifier.Verification::finish), Optional.of(envelope.iprev()),
                        Optional.of(client.getHostAddress()));
            }
        }
    }
}
