package org.mailgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.mailgate.config.ListenerKind;
import org.mailgate.mail.Refusal;
import org.mailgate.smtp.SessionEvent;
import org.mailgate.smtp.SmtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link SmtpSession} over one connection, once {@link Admission} has let the client
 * in: bytes in, replies out, reading paused while the session waits (backpressure), TLS installed
 * when asked, the timeouts, and the slow work the session asks for done elsewhere and answered on
 * the event loop: credential checks ({@link Logins}) and each message ({@link Reception}).
 */
final class SmtpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);

    private final ServerContext context;
    private final ListenerProfile profile;
    private final ListenerKind kind;
    private ChannelHandlerContext ctx;
    private SmtpSession session;
    private InetAddress clientAddress;
    private SessionTag tag;
    private boolean trusted;
    private HandshakeSlots.Slot handshake;
    private Deadlines deadlines;
    private Reception reception;

    SmtpConnection(ServerContext context, ListenerProfile profile, ListenerKind kind) {
        this.context = context;
        this.profile = profile;
        this.kind = kind;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The client is admitted: the greeting, or the TLS handshake first. */
    private void begin(InetAddress address, boolean trustedNetwork) {
        clientAddress = address;
        trusted = trustedNetwork;
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        tag = new SessionTag(ctx.channel().id().asShortText(), address, local.getPort(), kind);
        context.metrics().connection(kind);
        log.info("{} connected to port {}", tag, local.getPort());
        PipelinePolicy policy = new PipelinePolicy(profile.pipeline(), address.getHostAddress(), context.checks(), context::storageFits);
        session = new SmtpSession(profile.settings(), policy, this::handle);
        reception = new Reception(context, profile.pipeline(), policy::envelopes, tag);
        deadlines = new Deadlines(ctx, context.config().limits(), reason -> {
            if (session.isWaiting()) {
                return false;
            }
            log.info("{} closed: {}", tag, reason);
            session.abort(reason);
            afterSessionWork();
            return true;
        });
        deadlines.start();
        if (profile.tlsFirst()) {
            startTls(); // RFC 8314 3.3: the greeting follows the handshake
        } else {
            session.start();
            ctx.flush();
        }
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
        switch (event) {
            case Admission.Admitted admitted -> begin(admitted.client(), admitted.trusted());
            case SslHandshakeCompletionEvent done -> {
                endHandshake();
                context.metrics().handshake(done.isSuccess());
                if (!done.isSuccess()) {
                    log.info("{} TLS handshake failed: {}", tag, said(done.cause()));
                    ctx.close();
                } else if (profile.tlsFirst()) {
                    session.start();
                } else {
                    session.tlsEstablished();
                }
                afterSessionWork();
            }
            default -> ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("{} connection error: {}", tag, said(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (reception != null) {
            reception.abort(); // dropped mid-message: nothing was acknowledged, nothing stays
        }
        endHandshake();
        if (deadlines != null) {
            deadlines.cancel();
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

    /** A connection's failure in an admin's words: the deepest cause's message ("Connection reset by peer"), not a class name. */
    private static String said(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null && !root.getMessage().isBlank() ? root.getMessage() : "the connection failed";
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
            case SessionEvent.Authenticate auth -> context.logins().check(tag, auth.username(), auth.password(), ctx.executor(),
                    (user, refusal) -> {
                        session.authenticationResult(user, refusal);
                        afterSessionWork();
                    });
            case SessionEvent.MessageBegin begin -> {
                deadlines.dataMode(true);
                reception.begin(begin.envelope());
            }
            case SessionEvent.MessageContent content -> {
                deadlines.content(content.bytes().length);
                reception.append(content.bytes());
            }
            case SessionEvent.MessageEnd end -> {
                deadlines.dataMode(false);
                reception.end(ctx.executor(), context.checks(), new Reception.Outcome() {
                    @Override
                    public void stored(String queueId) {
                        session.messageStored(queueId);
                        afterSessionWork();
                    }

                    @Override
                    public void refused(Refusal refusal) {
                        session.messageRefused(refusal);
                        afterSessionWork();
                    }
                });
            }
            case SessionEvent.MessageAbort abort -> {
                deadlines.dataMode(false);
                reception.abort();
            }
            case SessionEvent.Refused refused -> context.abuse().refused(refused.refusal(), refused.command(), tag,
                    session.authenticatedUser());
            case SessionEvent.Close close -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Installs TLS before the next read; false (and the connection closed) when no handshake slot is free for this client. */
    private boolean startTls() {
        Optional<HandshakeSlots.Slot> slot = context.handshakes().acquire(clientAddress, trusted, () -> {
            log.info("{} closed: TLS handshake not done within {}s while the server is busy", tag,
                    HandshakeSlots.PRESSURE_TIMEOUT.toSeconds());
            ctx.close();
        });
        if (slot.isEmpty()) {
            log.info("{} closed: no TLS handshake slot (its share, or the server's, is in use)", tag);
            if (profile.tlsFirst()) {
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
}
