package org.mailgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.ClientKey;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.policy.AutoBan;
import org.mailgate.smtp.BareLineFeed;
import org.mailgate.smtp.Envelope;
import org.mailgate.smtp.MailPolicy;
import org.mailgate.mail.Refusal;
import org.mailgate.smtp.SessionEvent;
import org.mailgate.smtp.SessionSettings;
import org.mailgate.smtp.SmtpSession;
import org.mailgate.spool.HeaderFields;
import org.mailgate.spool.HeaderSection;
import org.mailgate.spool.IncomingMessage;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link SmtpSession} over one connection: bytes in, replies out, and the slow work
 * the session asks for (credential checks, fsync) on other threads, answered on the event loop.
 * Before the session starts it learns the real client (from a PROXY header when the listener
 * has one) and applies bans and connection limits to it.
 */
final class SmtpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);

    private final ServerContext context;
    private final ListenerConfig listener;
    private final ListenerKind kind;
    private ChannelHandlerContext ctx;
    private SmtpSession session;
    private InetAddress clientAddress;
    private String client;
    private boolean admitted;
    private HandshakeSlots.Slot handshake;
    private Deadlines deadlines;
    private IncomingMessage message;
    private IOException messageFailure;

    SmtpConnection(ServerContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
        this.kind = listener.kind();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!listener.proxyProtocol()) {
            begin(peer);
        } else if (context.config().trustedProxies().stream().noneMatch(range -> range.contains(peer))) {
            // A PROXY header is believed only from a proxy we trust; anyone else could claim any address.
            log.warn("client={} refused: PROXY protocol listener, and not a trusted proxy", peer.getHostAddress());
            ctx.close();
        } else {
            client = peer.getHostAddress(); // until the header names the real client
            ctx.executor().schedule(() -> {
                if (clientAddress == null) {
                    log.info("client={} closed: no PROXY header in time", client);
                    ctx.close();
                }
            }, context.config().limits().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The real client is known: bans and limits, then the greeting (or the TLS handshake first). */
    private void begin(InetAddress address) {
        clientAddress = address;
        client = address.getHostAddress();
        Optional<Refusal> refusal = context.bans().find(address).map(ban -> Refusal.BANNED)
                .or(() -> context.connections().admit(address));
        if (refusal.isPresent()) {
            context.refusals().refused(ClientKey.of(address), "refused at connect: " + refusal.get());
            if (kind == ListenerKind.SUBMISSIONS) {
                ctx.close(); // the client expects a TLS handshake: a reply in the clear would be noise
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal.get().reply().toBytes())).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        admitted = true;
        var limits = context.config().limits();
        session = new SmtpSession(new SessionSettings(context.config().hostname(),
                kind != ListenerKind.SUBMISSIONS, kind == ListenerKind.SUBMISSIONS,
                kind != ListenerKind.INBOUND, kind != ListenerKind.INBOUND,
                limits.maxMessageSize(), limits.maxRecipients(), limits.maxErrors(), limits.maxJunkCommands(),
                limits.normalizeBareLineFeeds() ? BareLineFeed.NORMALIZE : BareLineFeed.REJECT),
                policy(), this::handle);
        deadlines = new Deadlines(ctx, limits, reason -> {
            if (session.isWaiting()) {
                return false;
            }
            log.info("client={} closed: {}", client, reason);
            session.abort(reason);
            afterSessionWork();
            return true;
        });
        deadlines.start();
        if (kind == ListenerKind.SUBMISSIONS) {
            startTls(); // RFC 8314 3.3: the greeting follows the handshake
        } else {
            session.start();
            ctx.flush();
        }
    }

    private MailPolicy policy() {
        return kind == ListenerKind.INBOUND ? context.inboundPolicy() : context.submissionPolicy();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                begin(proxiedClient(header));
            } finally {
                header.release();
            }
            return;
        }
        ByteBuf buffer = (ByteBuf) msg;
        try {
            if (session == null) {
                return; // refused at connect, or no PROXY header yet: nothing is ever read as a command
            }
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            session.receive(bytes, 0, bytes.length);
        } finally {
            buffer.release();
        }
        afterSessionWork();
    }

    private InetAddress proxiedClient(HAProxyMessage header) {
        try {
            // PROXY "UNKNOWN" / LOCAL (a proxy's health check) carries no client: the proxy itself it is.
            return header.sourceAddress() == null ? ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress()
                    : InetAddress.getByName(header.sourceAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the PROXY decoder passes only address literals", e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            endHandshake();
            if (!handshake.isSuccess()) {
                log.info("client={} TLS handshake failed: {}", client, handshake.cause().getMessage());
                ctx.close();
            } else if (kind == ListenerKind.SUBMISSIONS) {
                session.start();
            } else {
                session.tlsEstablished();
            }
            afterSessionWork();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("client={} connection error: {}", client, cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (message != null) {
            message.discard(); // dropped mid-message: nothing was acknowledged, nothing stays
            message = null;
        }
        endHandshake();
        if (deadlines != null) {
            deadlines.cancel();
        }
        if (admitted) {
            admitted = false;
            context.connections().release(clientAddress);
        }
    }

    /** SIGTERM: close when idle, or once the transaction in flight ends. */
    void requestShutdown() {
        if (session == null) {
            ctx.close();
            return;
        }
        session.requestShutdown();
        afterSessionWork();
    }

    /** The grace period is over: close now, unless the message is already being fsynced. */
    void forceShutdown() {
        if (session == null) {
            ctx.close();
        } else if (!session.isWaiting()) {
            session.abort(Refusal.SHUTTING_DOWN);
            afterSessionWork();
        }
    }

    private void afterSessionWork() {
        ctx.flush();
        boolean read = !session.isWaiting() && !session.isClosed();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void handle(SessionEvent event) {
        switch (event) {
            case SessionEvent.Send send -> {
                deadlines.progress();
                ctx.write(Unpooled.wrappedBuffer(send.reply().toBytes()));
            }
            case SessionEvent.StartTls start -> {
                if (startTls()) {
                    // The handler passes writes in the clear until the ClientHello: the 220 goes out first.
                    ctx.write(Unpooled.wrappedBuffer(start.ready().toBytes()));
                }
            }
            case SessionEvent.Authenticate auth -> authenticate(auth.username(), auth.password());
            case SessionEvent.MessageBegin begin -> beginMessage(begin.envelope());
            case SessionEvent.MessageContent content -> append(content.bytes());
            case SessionEvent.MessageEnd end -> endMessage();
            case SessionEvent.MessageAbort abort -> {
                deadlines.dataMode(false);
                if (message != null) {
                    message.discard();
                    message = null;
                }
            }
            case SessionEvent.Refused refused -> {
                switch (refused.refusal()) {
                    case RELAY_DENIED -> context.autoBan().record(clientAddress, AutoBan.Offence.RELAY_ATTEMPT);
                    case UNKNOWN_USER -> context.autoBan().record(clientAddress, AutoBan.Offence.UNKNOWN_RECIPIENT);
                    case MESSAGE_RATE_EXCEEDED, RECIPIENT_RATE_EXCEEDED -> context.refusals().refused(client,
                            "user=" + session.authenticatedUser() + " reached a sending limit: " + refused.refusal());
                    default -> { }
                }
            }
            case SessionEvent.Close close -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Installs TLS before the next read; false (and the connection closed) when no handshake slot is free for this client. */
    private boolean startTls() {
        Optional<HandshakeSlots.Slot> slot = context.handshakes().acquire(clientAddress, () -> {
            log.info("client={} closed: TLS handshake not done within {}s while the server is busy", client,
                    HandshakeSlots.PRESSURE_TIMEOUT.toSeconds());
            ctx.close();
        });
        if (slot.isEmpty()) {
            log.info("client={} closed: no TLS handshake slot (its share, or the server's, is in use)", client);
            if (kind == ListenerKind.SUBMISSIONS) {
                ctx.close(); // the client expects a TLS handshake: a reply in the clear would be noise
            } else {
                session.abort(Refusal.SERVER_BUSY);
            }
            return false;
        }
        handshake = slot.get();
        // Right before this handler, so bytes after a PROXY header reach it too.
        ctx.pipeline().addBefore(ctx.name(), "tls", context.tls().newHandler());
        return true;
    }

    private void endHandshake() {
        if (handshake != null) {
            handshake.release();
            handshake = null;
        }
    }

    private void authenticate(String username, String password) {
        context.logins().check(clientAddress, username, password, ctx.executor(), (user, refusal) -> {
            session.authenticationResult(user, refusal);
            afterSessionWork();
        });
    }

    private void beginMessage(Envelope envelope) {
        deadlines.dataMode(true);
        Instant arrival = Instant.now();
        SpoolEnvelope spooled = SpoolEnvelopes.of(envelope, context.queueIds().next(arrival.toEpochMilli()), arrival, client);
        String hostname = context.config().hostname();
        message = context.spool().begin(spooled, HeaderFields.received(spooled, hostname),
                kind == ListenerKind.INBOUND ? HeaderFields.none() : HeaderFields.submissionAdditions(spooled, hostname),
                context.config().limits().maxHeaderSize());
        messageFailure = null;
    }

    private void append(byte[] bytes) {
        deadlines.content(bytes.length);
        if (message == null || messageFailure != null) {
            return;
        }
        try {
            message.append(bytes);
        } catch (IOException e) {
            messageFailure = e;
        }
    }

    private void endMessage() {
        deadlines.dataMode(false);
        IncomingMessage m = message;
        message = null;
        Optional<Refusal> refusal = check(m);
        if (refusal.isPresent()) {
            m.discard();
            log.info("{} refused client={}: {}", m.id(), client, refusal.get());
            session.messageRefused(refusal.get());
            return;
        }
        context.spool().commit(m).whenComplete((ignored, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                log.error("{} not queued client={}: {}", m.id(), client, failure.toString());
                session.messageRefused(Refusal.STORAGE_FAILED);
            } else {
                log.info("{} queued client={} from=<{}> recipients={} size={}", m.id(), client,
                        m.envelope().sender().map(Object::toString).orElse(""), m.envelope().recipients().size(), m.contentSize());
                if (session.authenticatedUser() != null) {
                    context.sendingLimits().record(session.authenticatedUser(), m.envelope().recipients().size());
                }
                session.messageStored(m.id());
            }
            afterSessionWork();
        }));
    }

    private Optional<Refusal> check(IncomingMessage m) {
        if (messageFailure != null) {
            log.error("{} not queued: {}", m.id(), messageFailure.toString());
            return Optional.of(Refusal.STORAGE_FAILED);
        }
        if (m.headerTooLarge()) {
            return Optional.of(Refusal.HEADER_TOO_LARGE);
        }
        if (kind != ListenerKind.INBOUND) {
            Optional<HeaderSection.Authors> authors = m.headers().authors();
            if (authors.isEmpty()) {
                return Optional.of(Refusal.HEADER_AMBIGUOUS);
            }
            return context.submissionPolicy().checkHeaderAuthors(session.authenticatedUser(), authors.get().from(), authors.get().sender());
        }
        return Optional.empty();
    }
}
