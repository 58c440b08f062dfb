package org.mailgate.server;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.mail.Refusal;
import org.mailgate.policy.AutoBan;
import org.mailgate.policy.BanList;
import org.mailgate.policy.InboundPolicy;
import org.mailgate.policy.SendingLimits;
import org.mailgate.policy.SubmissionPolicy;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.Spool;

/**
 * What every connection shares; built once by {@link SmtpServer}, and again on a reload with the
 * same shared parts and a new config (so the profiles are rebuilt from it).
 *
 * @param steps what signs submitted mail (DKIM) and examines inbound mail (SPF, DKIM, DMARC)
 * @param checks where the end-of-data checks run: off the event loops
 * @param clock the time for arrival stamps and every limit's window
 */
record ServerContext(
        MailgateConfig config,
        TlsContexts tls,
        Spool spool,
        SpoolSpace space,
        QueueIds queueIds,
        Logins logins,
        SubmissionPolicy submissionPolicy,
        InboundPolicy inboundPolicy,
        PipelineSteps steps,
        SendingLimits sendingLimits,
        BanList bans,
        AutoBan autoBan,
        ConnectionLimiter connections,
        HandshakeSlots handshakes,
        RefusalLog refusals,
        AbuseRecorder abuse,
        ServerMetrics metrics,
        Executor checks,
        Clock clock,
        Map<ListenerKind, ListenerProfile> profiles) {

    static ServerContext create(MailgateConfig config, TlsContexts tls, Spool spool, SpoolSpace space, Logins logins, SubmissionPolicy submission,
            InboundPolicy inbound, PipelineSteps steps, SendingLimits sending, BanList bans, AutoBan autoBan, ConnectionLimiter connections,
            HandshakeSlots handshakes, RefusalLog refusals, ServerMetrics metrics, Executor checks, Clock clock) {
        return new ServerContext(config, tls, spool, space, new QueueIds(), logins, submission, inbound, steps, sending, bans, autoBan,
                connections, handshakes, refusals, new AbuseRecorder(autoBan, refusals, metrics), metrics, checks, clock,
                ListenerProfile.all(config, submission, inbound, steps));
    }

    ListenerProfile profile(ListenerKind kind) {
        return profiles.get(kind);
    }

    /** Whether a message of {@code declaredSize} (0: none declared) leaves [limits] min-free-space in the spool. */
    boolean storageFits(long declaredSize) {
        return space.fits(declaredSize, config.limits().minFreeSpace());
    }

    /** The reply to a message the spool could not store for {@code cause}: 452 4.3.1 when it is out of space, else 451 4.3.0. */
    Refusal storageFailure(Throwable cause) {
        return space.failure(cause, config.limits().minFreeSpace());
    }

    /** The same counters and pools, with a reloaded config, certificates, policies (for new local domains) and pipeline steps. */
    ServerContext with(MailgateConfig reloaded, TlsContexts reloadedTls, SubmissionPolicy submission, InboundPolicy inbound,
            PipelineSteps reloadedSteps) {
        return new ServerContext(reloaded, reloadedTls, spool, space, queueIds, logins, submission, inbound, reloadedSteps, sendingLimits,
                bans, autoBan, connections, handshakes, refusals, abuse, metrics, checks, clock,
                ListenerProfile.all(reloaded, submission, inbound, reloadedSteps));
    }
}
