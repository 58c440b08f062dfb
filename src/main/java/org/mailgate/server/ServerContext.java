package org.mailgate.server;

import io.netty.handler.ssl.SslContext;
import java.util.concurrent.ExecutorService;
import org.mailgate.auth.Authenticator;
import org.mailgate.config.MailgateConfig;
import org.mailgate.policy.InboundPolicy;
import org.mailgate.policy.SubmissionPolicy;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.Spool;

/** What every connection shares; built once by {@link SmtpServer}. */
record ServerContext(
        MailgateConfig config,
        SslContext tls,
        Spool spool,
        QueueIds queueIds,
        Authenticator authenticator,
        SubmissionPolicy submissionPolicy,
        InboundPolicy inboundPolicy,
        ExecutorService authPool) {}
