package org.mailgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.User;
import org.mailgate.config.ListenerKind;
import org.mailgate.smtp.Envelope;
import org.mailgate.smtp.MailPolicy;
import org.mailgate.smtp.Refusal;
import org.mailgate.smtp.SessionEvent;
import org.mailgate.smtp.SessionSettings;
import org.mailgate.smtp.SmtpSession;
import org.mailgate.spool.HeaderFields;
import org.mailgate.spool.IncomingMessage;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link SmtpSession} over one connection: bytes in, replies out, and the slow work
 * the session asks for (credential checks, fsync) on other threads, answered on the event loop.
 */
final class SmtpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);

    private final ServerContext context;
    private final ListenerKind kind;
    private ChannelHandlerContext ctx;
    private SmtpSession session;
    private String client;
    private IncomingMessage message;
    private IOException messageFailure;

    SmtpConnection(ServerContext context, ListenerKind kind) {
        this.context = context;
        this.kind = kind;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        var limits = context.config().limits();
        session = new SmtpSession(new SessionSettings(context.config().hostname(),
                kind != ListenerKind.SUBMISSIONS, kind == ListenerKind.SUBMISSIONS,
                kind != ListenerKind.INBOUND, kind != ListenerKind.INBOUND,
                limits.maxMessageSize(), limits.maxRecipients()), policy(), this::handle);
        if (kind == ListenerKind.SUBMISSIONS) {
            SslHandler tls = context.tls().newHandler(ctx.alloc());
            ctx.pipeline().addFirst("tls", tls);
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
        ByteBuf buffer = (ByteBuf) msg;
        try {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            session.receive(bytes, 0, bytes.length);
        } finally {
            buffer.release();
        }
        afterSessionWork();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                log.info("client={} TLS handshake failed: {}", client, handshake.cause().getMessage());
                ctx.close();
            } else if (kind == ListenerKind.SUBMISSIONS) {
                session.start(); // RFC 8314 3.3: the greeting follows the handshake
            } else {
                session.tlsEstablished();
            }
            afterSessionWork();
        } else if (event instanceof IdleStateEvent) {
            session.abort(Refusal.TIMEOUT);
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
    }

    /** SIGTERM: close when idle, or once the transaction in flight ends. */
    void requestShutdown() {
        session.requestShutdown();
        afterSessionWork();
    }

    /** The grace period is over: close now, unless the message is already being fsynced. */
    void forceShutdown() {
        if (!session.isWaiting()) {
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
            case SessionEvent.Send send -> ctx.write(Unpooled.wrappedBuffer(send.reply().toBytes()));
            case SessionEvent.StartTls start -> {
                // Installed before the 220 is written: startTls=true lets that one reply out in the clear.
                ctx.pipeline().addFirst("tls", new SslHandler(context.tls().newEngine(ctx.alloc()), true));
                ctx.write(Unpooled.wrappedBuffer(start.ready().toBytes()));
            }
            case SessionEvent.Authenticate auth -> authenticate(auth.username(), auth.password());
            case SessionEvent.MessageBegin begin -> beginMessage(begin.envelope());
            case SessionEvent.MessageContent content -> append(content.bytes());
            case SessionEvent.MessageEnd end -> endMessage();
            case SessionEvent.MessageAbort abort -> {
                if (message != null) {
                    message.discard();
                    message = null;
                }
            }
            case SessionEvent.Close close -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void authenticate(String username, String password) {
        context.authPool().execute(() -> {
            Optional<User> user = context.authenticator().authenticate(username, password);
            if (user.isPresent()) {
                ctx.executor().execute(() -> {
                    log.info("client={} authenticated user={}", client, user.get().address());
                    session.authenticationResult(user.get().address(), Optional.empty());
                    afterSessionWork();
                });
            } else {
                // The same delay for unknown users and wrong passwords: nothing to learn from timing.
                ctx.executor().schedule(() -> {
                    log.info("client={} authentication failed user={}", client, username);
                    session.authenticationResult(username, Optional.of(Refusal.AUTH_FAILED));
                    afterSessionWork();
                }, context.config().limits().authFailureDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void beginMessage(Envelope envelope) {
        Instant arrival = Instant.now();
        SpoolEnvelope spooled = SpoolEnvelopes.of(envelope, context.queueIds().next(arrival.toEpochMilli()), arrival, client);
        String hostname = context.config().hostname();
        message = context.spool().begin(spooled, HeaderFields.received(spooled, hostname),
                kind == ListenerKind.INBOUND ? HeaderFields.none() : HeaderFields.submissionAdditions(spooled, hostname),
                context.config().limits().maxHeaderSize());
        messageFailure = null;
    }

    private void append(byte[] bytes) {
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
                        m.envelope().sender(), m.envelope().recipients().size(), m.contentSize());
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
            return context.submissionPolicy().checkHeaderFrom(session.authenticatedUser(), m.headers().fromAddresses());
        }
        return Optional.empty();
    }
}
