package org.mailgate.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for what monitoring asks: GET (and HEAD) of a few fixed paths, each
 * answered by its route; anything else is 404 or 405. One event loop thread of its own, so a
 * scrape never waits behind SMTP sessions and never slows them; requests are small (8 KiB at
 * most) and a connection idle for 30 s is closed.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    private static final int MAX_REQUEST = 8192;

    private final EventLoopGroup loop;
    private final Channel channel;

    private HttpListener(EventLoopGroup loop, Channel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /**
     * Listens on {@code address}:{@code port} (0: the system picks), answering each path of
     * {@code routes}; over TLS when {@code tls} is given, each connection with a handler of its own.
     */
    public static HttpListener start(String address, int port, Optional<Supplier<ChannelHandler>> tls, Map<String, Supplier<HttpResponse>> routes)
            throws IOException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS));
                        tls.ifPresent(handler -> ch.pipeline().addLast(handler.get()));
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST), new Router(routes));
                    }
                });
        try {
            return new HttpListener(loop, bootstrap.bind(address, port).sync().channel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted while binding", e);
        } catch (Exception e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + address + ":" + port + " (http): " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers each request; a route runs on a virtual thread (a scrape, a look at the disk), never on the event loop. */
    private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, Supplier<HttpResponse>> routes;

        Router(Map<String, Supplier<HttpResponse>> routes) {
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean head = request.method().equals(HttpMethod.HEAD);
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponse.text(400, "bad request\n"), head, keepAlive);
            } else if (!head && !request.method().equals(HttpMethod.GET)) {
                respond(ctx, HttpResponse.text(405, "only GET and HEAD\n"), head, keepAlive);
            } else {
                Supplier<HttpResponse> route = routes.get(new QueryStringDecoder(request.uri()).path());
                if (route == null) {
                    respond(ctx, HttpResponse.text(404, "not found; try /metrics, /healthz or /readyz\n"), head, keepAlive);
                } else {
                    // no next request is read until this one is answered: responses stay in request order
                    ctx.channel().config().setAutoRead(false);
                    Thread.ofVirtual().name("http-route").start(() -> {
                        respond(ctx, answer(route), head, keepAlive);
                        ctx.channel().config().setAutoRead(true);
                    });
                }
            }
        }

        /** Writes the answer; Netty hands a write from another thread to the channel's event loop. */
        private static void respond(ChannelHandlerContext ctx, HttpResponse answer, boolean head, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
            if (answer.status() == 405) {
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            }
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static HttpResponse answer(Supplier<HttpResponse> route) {
            try {
                return route.get();
            } catch (RuntimeException e) {
                log.error("http route failed: {}", e.toString());
                return HttpResponse.text(500, "internal error\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("http connection closed: {}", cause.getMessage()); // a client gone or too slow: nothing to answer
            ctx.close();
        }
    }
}
