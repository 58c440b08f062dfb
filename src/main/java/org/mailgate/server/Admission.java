package org.mailgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.ClientKey;
import org.mailgate.config.ListenerConfig;
import org.mailgate.mail.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a connection is from, and whether it may go on: the peer, or the client a PROXY header names
 * (believed only from a trusted proxy, and only within the command timeout); then the bans and
 * the connection limits. An admitted client reaches the next handler as {@link Admitted}; nothing
 * a client sends before that is ever read as a command.
 */
final class Admission extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    /** The user event that starts the session: the real client, counted by the connection limits until the channel closes. */
    record Admitted(InetAddress client, boolean trusted) {}

    private final ServerContext context;
    private final ListenerConfig listener;
    private final boolean tlsFirst;
    private InetAddress admitted;
    private boolean admittedTrusted;

    Admission(ServerContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
        this.tlsFirst = context.profile(listener.kind()).tlsFirst();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!listener.proxyProtocol()) {
            admit(ctx, peer);
        } else if (context.config().trustedProxies().stream().noneMatch(range -> range.contains(peer))) {
            // A PROXY header is believed only from a proxy we trust; anyone else could claim any address.
            log.warn("client={} refused: PROXY protocol listener, and not a trusted proxy", peer.getHostAddress());
            ctx.close();
        } else {
            ctx.executor().schedule(() -> {
                if (admitted == null && ctx.channel().isActive()) {
                    log.info("client={} closed: no PROXY header in time", peer.getHostAddress());
                    ctx.close();
                }
            }, context.config().limits().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                admit(ctx, proxiedClient(ctx, header));
            } finally {
                header.release();
            }
        } else if (admitted == null) {
            ((ByteBuf) msg).release(); // before admission (or after a refusal): never a command
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void admit(ChannelHandlerContext ctx, InetAddress client) {
        boolean trusted = listener.trusts(client, context.config().limits());
        Optional<Refusal> refusal = context.bans().find(client).map(ban -> ban.automatic() ? Refusal.BANNED : Refusal.ACCESS_DENIED)
                .or(() -> context.connections().admit(client, trusted));
        if (refusal.isPresent()) {
            context.metrics().refused(refusal.get());
            context.refusals().refused(ClientKey.of(client), "refused at connect: " + refusal.get());
            if (tlsFirst) {
                ctx.close(); // the client expects a TLS handshake: a reply in the clear would be noise
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal.get().reply().toBytes())).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        admitted = client;
        admittedTrusted = trusted;
        ctx.fireUserEventTriggered(new Admitted(client, trusted));
    }

    private static InetAddress proxiedClient(ChannelHandlerContext ctx, HAProxyMessage header) {
        try {
            // PROXY "UNKNOWN" / LOCAL (a proxy's health check) carries no client: the proxy itself it is.
            return header.sourceAddress() == null ? ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress()
                    : InetAddress.getByName(header.sourceAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the PROXY decoder passes only address literals", e);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted != null) {
            context.connections().release(admitted, admittedTrusted);
        }
        ctx.fireChannelInactive();
    }
}
