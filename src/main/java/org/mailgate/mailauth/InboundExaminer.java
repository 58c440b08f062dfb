package org.mailgate.mailauth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Client;
import org.mailgate.message.Examiner;
import org.mailgate.message.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF, DKIM and DMARC on mail from other servers, and what follows from them: an
 * Authentication-Results field on every message, any such field claiming our authserv-id
 * removed; by default DMARC p=reject failures refused (550 5.7.1), p=quarantine ones to Junk,
 * mail whose From names one of our domains without a valid signature of ours refused (each
 * finding's action can be set), and a DNS failure that leaves the verdict open deferred
 * (451 4.7.5), never refused for good. A DMARC p=reject failure that a trusted
 * forwarder sealed with a passing ARC chain is delivered to Junk instead (RFC 9989 lets a
 * receiver apply local policy; a mailing list's changes break the author's DKIM). One log line
 * per message with the verdicts.
 */
public final class InboundExaminer implements Examiner {
    private static final Logger log = LoggerFactory.getLogger(InboundExaminer.class);

    /** The folder Dovecot and Thunderbird show as Junk (Maildir++ ".Junk"). */
    public static final String JUNK = "Junk";

    private final MailAuthentication checks;
    private final String authservId;
    private final Predicate<String> localDomain;
    private final Consumer<AuthenticationResults.Verdicts> seen;
    private final Actions actions;

    /** What a finding leads to, mildest first. */
    public enum Action {
        /** Delivered as usual, the Authentication-Results field saying what was found. */
        ACCEPT,
        /** Delivered to the recipient's Junk folder, with the field. */
        JUNK,
        /** Refused at the end of the data (550 5.7.x), nothing queued. */
        REFUSE
    }

    /**
     * The action for each finding.
     *
     * @param dmarcReject a DMARC failure under p=reject
     * @param dmarcQuarantine a DMARC failure under p=quarantine (RFC 9989 4.7: treat as suspicious)
     * @param localForgery mail whose From is one of our domains, without our valid signature
     * @param spfFail an SPF fail that no DKIM pass or DMARC record speaks for (RFC 7208 8.4 allows refusing it)
     * @param trustedSealers forwarders whose passing ARC chain turns a p=reject refusal into Junk
     */
    public record Actions(Action dmarcReject, Action dmarcQuarantine, Action localForgery, Action spfFail, Set<String> trustedSealers) {
        /** The defaults: refuse p=reject failures and forgeries of our domains, p=quarantine to Junk, SPF fail accepted and reported. */
        public static final Actions DEFAULTS = new Actions(Action.REFUSE, Action.JUNK, Action.REFUSE, Action.ACCEPT, Set.of());

        public Actions {
            trustedSealers = trustedSealers.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** @param authservId our host name, as RFC 8601 2.5 suggests */
    public InboundExaminer(MailAuthentication checks, String authservId, Predicate<String> localDomain, Actions actions) {
        this(checks, authservId, localDomain, actions, verdicts -> { });
    }

    /** As above; {@code seen} hears every message's verdicts (the server counts them). */
    public InboundExaminer(MailAuthentication checks, String authservId, Predicate<String> localDomain, Actions actions,
            Consumer<AuthenticationResults.Verdicts> seen) {
        this.checks = checks;
        this.authservId = authservId;
        this.localDomain = localDomain;
        this.actions = actions;
        this.seen = seen;
    }

    @Override
    public boolean removes(String name, String value) {
        return name.equalsIgnoreCase("Authentication-Results") && AuthenticationResults.claims(value, authservId);
    }

    /** SPF and iprev start as MAIL is accepted, on {@code work}, and run while the client sends the message. */
    @Override
    public Envelope open(Client client, Optional<Mailbox> sender, Executor work) {
        MailAuthentication.Envelope envelope = checks.envelope(address(client.address()), client.helo(), sender.map(Mailbox::toString).orElse(""));
        CompletableFuture<MailAuthentication.EnvelopeResults> results = CompletableFuture.supplyAsync(envelope::check, work);
        return (transaction, header) -> {
            MailAuthentication.Envelope.Message message = envelope.message(header);
            return new Examination() {
                @Override
                public void body(byte[] bytes, int offset, int length) {
                    message.body(bytes, offset, length);
                }

                @Override
                public Verdict finish() {
                    AuthenticationResults.Verdicts verdicts = message.finish(results.join());
                    Verdict verdict = decide(verdicts);
                    log(transaction, verdicts, verdict);
                    seen.accept(verdicts);
                    return verdict;
                }
            };
        };
    }

    private static void log(Transaction transaction, AuthenticationResults.Verdicts verdicts, Verdict verdict) {
        DmarcVerdict dmarc = verdicts.dmarc().orElseThrow();
        String action = switch (verdict) {
            case Verdict.Refuse refuse -> String.valueOf(refuse.refusal().reply().code());
            case Verdict.Accept accept -> accept.folder().map(f -> "accept(" + f + ")").orElse("accept");
        };
        log.info("{} mailauth client={} iprev={} spf={} dkim={} dmarc={} policy={} from={}{} action={}", transaction.queueId(),
                transaction.client().address(), verdicts.iprev().orElse(""), verdicts.spf().orElseThrow().result().keyword(),
                verdicts.dkim().isEmpty() ? "none" : String.join(",", verdicts.dkim().stream()
                        .map(d -> d.status().keyword() + "(" + d.domain() + ")").toList()),
                dmarc.result().keyword(), dmarc.policy().keyword(), dmarc.fromDomain(),
                verdicts.arc().map(a -> " arc=" + a.status().keyword() + (a.sealer().isEmpty() ? "" : "(" + a.sealer() + ")")).orElse(""),
                action);
    }

    /**
     * Every finding that calls for an action, each taking the one configured for it, and the
     * strictest wins; a DNS failure that leaves DMARC open defers whatever else was found, but
     * for a forgery of our own domain, which needs no lookup to be known.
     */
    private Verdict decide(AuthenticationResults.Verdicts v) {
        DmarcVerdict dmarc = v.dmarc().orElseThrow();
        boolean ownSignature = v.dkim().stream()
                .anyMatch(d -> d.status() == DkimResult.Status.PASS && d.domain().equals(dmarc.fromDomain()) && localDomain.test(d.domain()));
        boolean pending = v.dkim().stream().anyMatch(d -> d.status() == DkimResult.Status.TEMPERROR)
                || v.spf().map(s -> s.result() == SpfResult.TEMPERROR).orElse(false);
        Finding decided = new Finding(Action.ACCEPT, null);
        if (!dmarc.fromDomain().isEmpty() && localDomain.test(dmarc.fromDomain()) && !ownSignature) {
            decided = decided.or(new Finding(actions.localForgery(), Refusal.LOCAL_DOMAIN_FORGED));
        }
        if (decided.action() != Action.REFUSE
                && (dmarc.result() == DmarcVerdict.Result.TEMPERROR || dmarc.result() == DmarcVerdict.Result.FAIL && pending)) {
            return new Verdict.Refuse(Refusal.AUTHENTICATION_DEFERRED); // a pass may be what the failed lookup would have found
        }
        if (dmarc.requested() == DmarcVerdict.Policy.REJECT) {
            Finding reject = new Finding(actions.dmarcReject(), Refusal.DMARC_REJECTED);
            Optional<ArcResult> trusted = v.arc().filter(a -> actions.trustedSealers().contains(a.sealer()));
            if (reject.action() == Action.REFUSE && trusted.isPresent() && trusted.get().status() == ArcResult.Status.PASS) {
                // RFC 9989's local policy: a forwarder we trust vouches for what it received
                ArcResult chain = trusted.get();
                v = v.withArc(new ArcResult(chain.status(), chain.instances(), chain.sealer(), "a trusted forwarder: p=reject applied as quarantine"));
                reject = new Finding(Action.JUNK, null);
            } else if (reject.action() == Action.REFUSE && trusted.isPresent() && trusted.get().status() == ArcResult.Status.TEMPERROR) {
                return new Verdict.Refuse(Refusal.AUTHENTICATION_DEFERRED); // the chain that would save it could not be checked
            }
            decided = decided.or(reject);
        }
        if (dmarc.requested() == DmarcVerdict.Policy.QUARANTINE) {
            decided = decided.or(new Finding(actions.dmarcQuarantine(), Refusal.DMARC_QUARANTINED));
        }
        boolean dkimPass = v.dkim().stream().anyMatch(d -> d.status() == DkimResult.Status.PASS);
        if (dmarc.result() == DmarcVerdict.Result.NONE && !dkimPass && v.spf().map(s -> s.result() == SpfResult.FAIL).orElse(false)) {
            decided = decided.or(new Finding(actions.spfFail(), Refusal.SPF_FAILED));
        }
        return switch (decided.action()) {
            case REFUSE -> new Verdict.Refuse(decided.refusal());
            case JUNK -> new Verdict.Accept(AuthenticationResults.field(authservId, v), Optional.of(JUNK));
            case ACCEPT -> new Verdict.Accept(AuthenticationResults.field(authservId, v), Optional.empty());
        };
    }

    /** What a finding calls for, and the reply when that is a refusal. */
    private record Finding(Action action, Refusal refusal) {
        Finding or(Finding other) {
            return other.action().ordinal() > action.ordinal() ? other : this;
        }
    }

    /** The client's address, as the server wrote it (a literal: nothing is looked up). */
    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
    }
}
