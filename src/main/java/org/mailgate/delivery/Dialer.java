package org.mailgate.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.mailgate.delivery.tls.OutboundTls;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue;
import org.mailgate.smtp.ClientDialogue.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects and brings a {@link Conversation} to the point where mail can be sent: greeting, EHLO
 * (or LHLO), STARTTLS as the policy demands, EHLO again, and AUTH where a login is given. A
 * required TLS that fails is a failure of this server, never a fallback to plaintext.
 */
final class Dialer {
    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    private final String helo;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final OutboundTls tls;

    Dialer(String helo, Duration connectTimeout, Duration commandTimeout, OutboundTls tls) {
        this.helo = helo;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
        this.tls = tls;
    }

    /** A pooled conversation taken for the message {@code id}: logged as the new ones are, so each message's log says how it left. */
    static Conversation reused(String id, Conversation conversation) {
        log.info("{}: reusing the connection to {}: {}", id, conversation.peer(), conversation.tls().isEmpty() ? "no TLS" : conversation.tls());
        return conversation;
    }

    /** A conversation ready for MAIL FROM, opened for the message {@code id} (the log line names it); the reply to record when there is none. */
    Conversation dial(String id, String host, InetSocketAddress address, TlsPolicy policy, boolean implicitTls, boolean lmtp,
            Optional<ClientDialogue.Login> login) throws ConnectFailure {
        String peer = host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
        try {
            Conversation conversation = establish(host, address, policy, implicitTls, lmtp, login);
            // what the recipient's privacy rests on, for the admin: TLS or not, and checked how
            log.info("{}: connected to {}: {} ({})", id, peer, conversation.tls().isEmpty() ? "no TLS" : conversation.tls(),
                    TlsPolicy.describe(policy));
            return conversation;
        } catch (SSLException e) {
            if (policy.required() || implicitTls) {
                throw new ConnectFailure(peer, DeliveryReply.TLS_FAILED.reply(peer, TlsPolicy.describe(policy), e.getMessage()));
            }
            // Opportunistic TLS: a server whose TLS is broken still gets the mail, in plaintext, as
            // it would had it not offered STARTTLS at all (RFC 7435 3).
            log.info("{}: TLS with {} failed ({}); retrying without TLS", id, peer, e.getMessage());
            try {
                return establish(host, address, new TlsPolicy.Plaintext(), false, lmtp, login);
            } catch (IOException again) {
                throw new ConnectFailure(peer, DeliveryReply.CONNECTION_FAILED.reply(peer, again.getMessage()));
            }
        } catch (IOException e) {
            throw new ConnectFailure(peer, DeliveryReply.CONNECTION_FAILED.reply(peer, e.getMessage()));
        }
    }

    private Conversation establish(String host, InetSocketAddress address, TlsPolicy policy, boolean implicitTls, boolean lmtp,
            Optional<ClientDialogue.Login> login) throws IOException, ConnectFailure {
        boolean plaintext = policy instanceof TlsPolicy.Plaintext && !implicitTls;
        ClientDialogue.Tls mode = plaintext ? ClientDialogue.Tls.NONE
                : policy.required() ? ClientDialogue.Tls.REQUIRED : ClientDialogue.Tls.OPPORTUNISTIC;
        ClientDialogue dialogue = new ClientDialogue(new ClientDialogue.Options(helo, lmtp, mode, implicitTls, login));
        OutboundConnection connection = OutboundConnection.open(host, address, connectTimeout, commandTimeout);
        Conversation conversation = new Conversation(connection, dialogue, plaintext ? null : tls.setup(policy, host));
        try {
            Step step = conversation.open();
            if (step instanceof Step.Failed failed) {
                conversation.quit();
                throw new ConnectFailure(conversation.peer(), reply(failed, conversation.peer(), policy));
            }
            return conversation;
        } catch (IOException | RuntimeException e) {
            conversation.close();
            throw e;
        }
    }

    private static Reply reply(Step.Failed failed, String peer, TlsPolicy policy) {
        return switch (failed) {
            case Step.Refused r -> r.reply().annotated(" (" + r.stage() + " at " + peer + ")");
            case Step.NoStartTls n -> DeliveryReply.NO_STARTTLS.reply(peer, TlsPolicy.describe(policy));
            case Step.NoAuthMechanism n -> DeliveryReply.NO_AUTH_MECHANISM.reply(peer, n.tlsActive() ? "" : " (not before TLS?)");
            // The smart host refused our credentials: a configuration problem to fix, not a reason to bounce mail.
            case Step.LoginRefused r -> DeliveryReply.LOGIN_REFUSED.reply(peer, r.reply().oneLine());
        };
    }
}
