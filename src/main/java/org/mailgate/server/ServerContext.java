package org.mailgate.server;

import org.mailgate.config.MailgateConfig;
import org.mailgate.policy.AutoBan;
import org.mailgate.policy.BanList;
import org.mailgate.policy.InboundPolicy;
import org.mailgate.policy.SendingLimits;
import org.mailgate.policy.SubmissionPolicy;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.Spool;

/** What every connection shares; built once by {@link SmtpServer}. */
record ServerContext(
        MailgateConfig config,
        TlsContexts tls,
        Spool spool,
        QueueIds queueIds,
        Logins logins,
        SubmissionPolicy submissionPolicy,
        SendingLimits sendingLimits,
        InboundPolicy inboundPolicy,
        BanList bans,
        AutoBan autoBan,
        ConnectionLimiter connections,
        HandshakeSlots handshakes,
        RefusalLog refusals) {

    /** The same shared parts, with a reloaded config and certificates. */
    ServerContext with(MailgateConfig reloaded, TlsContexts reloadedTls) {
        return new ServerContext(reloaded, reloadedTls, spool, queueIds, logins, submissionPolicy, sendingLimits, inboundPolicy,
                bans, autoBan, connections, handshakes, refusals);
    }
}
